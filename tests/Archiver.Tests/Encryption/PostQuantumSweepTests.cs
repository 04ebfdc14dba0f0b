using System.Text;
using Archiver.Tests.Support;

namespace Archiver.Tests.Encryption;

/// <summary>
/// The whole way with post-quantum keys made as a user makes them (<c>archiver keygen --pq -o</c>):
/// a sweep encrypts the archive and manifest to the policy's <c>age1pq1...</c> recipients, and
/// restore, verify and cat with either identity get the directory back exactly; typage, an
/// independent age implementation, decrypts the stored archive too.
/// </summary>
public sealed class PostQuantumSweepTests : IAsyncLifetime
{
    private readonly TempDir _keys = new("pqkeys");
    private EncryptedScene _scene = null!;

    public async Task InitializeAsync() =>
        _scene = new EncryptedScene(keys: (await ArchiverKeygen.KeyGenAsync(_keys.Path, "inline"), await ArchiverKeygen.KeyGenAsync(_keys.Path, "fromfile")));

    public Task DisposeAsync()
    {
        _scene.Dispose();
        _keys.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Sweep_EncryptsToPostQuantumRecipients_OnlyWithMlKemStanzas()
    {
        var key = await _scene.SweepAsync();

        Assert.StartsWith("age1pq1", _scene.Inline.Recipient);
        foreach (var stored in new[] { key, key[..^".age".Length] + ".manifest.json.age" })
        {
            var bytes = File.ReadAllBytes(_scene.Stored(stored));
            var header = Encoding.Latin1.GetString(bytes, 0, Math.Min(bytes.Length, 8192));
            var end = header.IndexOf('\n', header.IndexOf("\n--- ", StringComparison.Ordinal) + 1) + 1;
            Assert.Equal(2, header[..end].Split("\n-> mlkem768x25519 ").Length - 1);
            Assert.DoesNotContain("-> X25519", header[..end]);
            Assert.Equal(3184, end); // the size docs/stores.md gives for two post-quantum recipients
        }
    }

    [Fact]
    public async Task RestoreVerifyAndCat_WithEitherPostQuantumIdentity_GetTheDirectoryBackExactly()
    {
        var key = await _scene.SweepAsync();

        foreach (var pair in new[] { _scene.Inline, _scene.FromFile })
        {
            var target = _scene.Tmp[$"restored-{Path.GetFileNameWithoutExtension(pair.IdentityFile)}"];
            var restore = await CliRunner.RunAsync("restore", key, "--store", _scene.StoreUrl, "--to", target, "--identity", pair.IdentityFile);
            var verify = await CliRunner.RunAsync("verify", key, "--store", _scene.StoreUrl, "--identity", pair.IdentityFile);
            var cat = await CliRunner.RunAsync("cat", key, EncryptedScene.SecretName, "--store", _scene.StoreUrl, "--identity", pair.IdentityFile);

            Assert.True(restore.ExitCode == 0, restore.ToString());
            Assert.Empty(_scene.Before.Diff(TreeSnapshot.Of(Path.Combine(target, "web-0"))));
            Assert.True(verify.ExitCode == 0, verify.ToString());
            Assert.True(cat.ExitCode == 0, cat.ToString());
            Assert.Equal(_scene.Before.Items[EncryptedScene.SecretName].Sha256, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(cat.RawOut!)));
        }
    }

    [Fact]
    public async Task StoredArchive_DecryptedByTypage_ExtractsWithGnuTarToTheSameTree()
    {
        var key = await _scene.SweepAsync();
        var identity = File.ReadAllLines(_scene.FromFile.IdentityFile).Single(l => l.StartsWith("AGE-SECRET-KEY-PQ-1", StringComparison.Ordinal));
        var outDir = _scene.Tmp.Sub("typage");

        Typage.Decrypt(identity, _scene.Stored(key), Path.Combine(outDir, "a.tar.gz"));
        ExternalTool.Check("tar", "-xzpf", Path.Combine(outDir, "a.tar.gz"), "-C", outDir);

        Assert.Empty(_scene.Before.Diff(TreeSnapshot.Of(Path.Combine(outDir, "web-0"))));
    }

    [Fact]
    public async Task Restore_WithAnX25519Identity_Exit1WritesNothing()
    {
        var key = await _scene.SweepAsync();
        var classic = AgeCli.KeyGen(_keys.Path, "classic");
        var target = _scene.Tmp["restored"];

        var r = await CliRunner.RunAsync("restore", key, "--store", _scene.StoreUrl, "--to", target, "--identity", classic.IdentityFile);

        Assert.Equal(1, r.ExitCode);
        Assert.Contains("its recipient stanzas: 2 mlkem768x25519", r.Error);
        Assert.False(Directory.Exists(target));
    }
}
