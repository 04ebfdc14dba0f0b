using Archiver.Tests.Support;

namespace Archiver.Tests.Encryption;

/// <summary><c>archiver restore</c> and <c>archiver verify</c> of an encrypted archive: with an
/// identity from the flag, the environment or the policy; without one (exit 1, nothing written);
/// with a wrong one; and verify without any key against the integrity record.</summary>
[Collection("age identity environment")]
public sealed class EncryptedRestoreVerifyTests : IDisposable
{
    private readonly EncryptedScene _scene;
    private readonly string _secretCopy;

    public EncryptedRestoreVerifyTests()
    {
        var tmp = new TempDir("idsecret");
        _secretCopy = tmp.Path;
        _scene = new EncryptedScene(identityFileInPolicy: Path.Combine(_secretCopy, "fromfile.txt"));
        File.Copy(_scene.FromFile.IdentityFile, Path.Combine(_secretCopy, "fromfile.txt"));
    }

    public void Dispose()
    {
        _scene.Dispose();
        Directory.Delete(_secretCopy, recursive: true);
    }

    [Fact]
    public async Task Restore_WithoutIdentity_Exit1NamesTheMissingIdentity_WritesNothing()
    {
        var key = await _scene.SweepAsync();
        var target = _scene.Tmp["restored"];

        var r = await CliRunner.RunAsync("restore", key, "--store", _scene.StoreUrl, "--to", target);

        Assert.Equal(1, r.ExitCode);
        Assert.Contains("encrypted with age and no identity was given", r.Error);
        Assert.Contains("--identity FILE", r.Error);
        Assert.Contains("ARCHIVER_AGE_IDENTITY_FILE", r.Error);
        Assert.False(Directory.Exists(target));
    }

    [Fact]
    public async Task RestoreByPod_WithoutIdentity_Exit1WritesNothing()
    {
        await _scene.SweepAsync();
        var target = _scene.Tmp["restored"];

        var r = await CliRunner.RunAsync("restore", "--pod", "web-0", "--store", _scene.StoreUrl, "--to", target);

        Assert.Equal(1, r.ExitCode);
        Assert.Contains("--identity FILE", r.Error);
        Assert.False(Directory.Exists(target));
    }

    [Fact]
    public async Task Restore_WithIdentityFlag_RestoresExactlyAndVerifies()
    {
        var key = await _scene.SweepAsync();
        var target = _scene.Tmp["restored"];

        var r = await CliRunner.RunAsync("restore", key, "--store", _scene.StoreUrl, "--to", target, "--identity", _scene.Inline.IdentityFile);

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("verified against the manifest", r.Out);
        Assert.Empty(_scene.Before.Diff(TreeSnapshot.Of(Path.Combine(target, "web-0"))));
    }

    [Fact]
    public async Task RestoreByPod_WithIdentityFromThePolicy_Restores()
    {
        await _scene.SweepAsync();
        var target = _scene.Tmp["restored"];

        var r = await CliRunner.RunAsync("restore", "--pod", "web-0", "--policy", _scene.Policy, "--to", target);

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Empty(_scene.Before.Diff(TreeSnapshot.Of(Path.Combine(target, "web-0"))));
    }

    [Fact]
    public async Task Restore_WithIdentityFromTheEnvironment_Restores()
    {
        var key = await _scene.SweepAsync();
        var target = _scene.Tmp["restored"];
        // The tests that read the variable share a collection, so none runs while it is set.
        Environment.SetEnvironmentVariable("ARCHIVER_AGE_IDENTITY_FILE", _scene.FromFile.IdentityFile);
        try
        {
            var r = await CliRunner.RunAsync("restore", key, "--store", _scene.StoreUrl, "--to", target);

            Assert.True(r.ExitCode == 0, r.ToString());
            Assert.Empty(_scene.Before.Diff(TreeSnapshot.Of(Path.Combine(target, "web-0"))));
        }
        finally
        {
            Environment.SetEnvironmentVariable("ARCHIVER_AGE_IDENTITY_FILE", null);
        }
    }

    [Fact]
    public async Task Restore_WithWrongIdentity_Exit1WritesNothing()
    {
        var key = await _scene.SweepAsync();
        var stranger = AgeCli.KeyGen(_scene.Tmp.Path, "stranger");
        var target = _scene.Tmp["restored"];

        var r = await CliRunner.RunAsync("restore", key, "--store", _scene.StoreUrl, "--to", target, "--identity", stranger.IdentityFile);

        Assert.Equal(1, r.ExitCode);
        Assert.Contains("none of the 1 age identities given opens this file", r.Error);
        Assert.False(Directory.Exists(target));
    }

    [Fact]
    public async Task Verify_WithoutIdentity_ChecksTheIntegrityRecord_AndFindsAChangedByte()
    {
        var key = await _scene.SweepAsync();

        var ok = await CliRunner.RunAsync("verify", key, "--store", _scene.StoreUrl);
        Assert.True(ok.ExitCode == 0, ok.ToString());
        Assert.Contains("matches its integrity record", ok.Out);

        var bytes = File.ReadAllBytes(_scene.Stored(key));
        bytes[^100] ^= 1;
        File.WriteAllBytes(_scene.Stored(key), bytes);
        var bad = await CliRunner.RunAsync("verify", key, "--store", _scene.StoreUrl);

        Assert.Equal(1, bad.ExitCode);
        Assert.Contains("MISMATCH", bad.Out);
        Assert.Contains("archive: sha256 read back", bad.Out);
    }

    [Fact]
    public async Task Verify_WithIdentity_ChecksTheManifestEntryByEntry()
    {
        var key = await _scene.SweepAsync();

        var r = await CliRunner.RunAsync("verify", key, "--store", _scene.StoreUrl, "--identity", _scene.Inline.IdentityFile);

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("its manifest, entry by entry", r.Out);
    }

    [Fact]
    public async Task Verify_WithIdentity_RefusesATamperedChunkThatTheIntegrityRecordAlsoMisses()
    {
        var key = await _scene.SweepAsync();
        var plain = key[..^".age".Length];
        // Change a byte of the archive and rewrite the integrity record to match: only decryption can tell.
        var bytes = File.ReadAllBytes(_scene.Stored(key));
        bytes[bytes.Length / 2] ^= 1;
        File.WriteAllBytes(_scene.Stored(key), bytes);
        var record = Archiver.Archives.IntegrityRecord.Parse("t", File.ReadAllBytes(_scene.Stored(plain + ".integrity.json")));
        File.WriteAllBytes(_scene.Stored(plain + ".integrity.json"), (record with
        {
            Archive = new Archiver.Archives.StoredDigest(bytes.Length, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes))),
        }).ToJson());

        var r = await CliRunner.RunAsync("verify", key, "--store", _scene.StoreUrl, "--identity", _scene.Inline.IdentityFile);

        Assert.Equal(1, r.ExitCode);
        Assert.Contains("failed authentication", r.Out);
    }
}
