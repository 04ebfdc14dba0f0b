using Archiver.Archives;
using Archiver.Tests.Support;

namespace Archiver.Tests.Encryption;

/// <summary><c>cat</c>, <c>restore --path</c> and <c>find</c> of encrypted archives in a local store:
/// with an identity (flag, environment, the policy's), without one (cat: exit 1, nothing written;
/// find: plain archives searched, the encrypted ones counted, exit 1), and an encrypted archive made
/// before the index existed (streamed, stopping early).</summary>
[Collection("age identity environment")]
public sealed class EncryptedCatFindTests : IDisposable
{
    private readonly EncryptedScene _scene = new();

    public void Dispose() => _scene.Dispose();

    /// <summary>Asserts that <paramref name="bytes"/> are the archived file <paramref name="relative"/>
    /// (the sweep deleted the directory; the scene kept its SHA-256).</summary>
    private void AssertIsSource(string relative, byte[]? bytes)
    {
        Assert.NotNull(bytes);
        Assert.Equal(_scene.Before.Items[relative].Sha256, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes)));
    }

    [Fact]
    public async Task Cat_WithIdentity_PrintsTheFileExactly()
    {
        var key = await _scene.SweepAsync();

        var csv = await CliRunner.RunAsync("cat", key, EncryptedScene.SecretName, "--store", _scene.StoreUrl, "--identity", _scene.Inline.IdentityFile);
        var blob = await CliRunner.RunAsync("cat", "--pod", "web-0", "data/blob.bin", "--store", _scene.StoreUrl, "--identity", _scene.FromFile.IdentityFile);

        Assert.True(csv.ExitCode == 0, csv.ToString());
        AssertIsSource(EncryptedScene.SecretName, csv.RawOut);
        Assert.True(blob.ExitCode == 0, blob.ToString());
        AssertIsSource("data/blob.bin", blob.RawOut);
    }

    [Fact]
    public async Task Cat_WithoutIdentity_Exit1NamesTheMissingIdentity_WritesNothing()
    {
        var key = await _scene.SweepAsync();

        var r = await CliRunner.RunAsync("cat", key, EncryptedScene.SecretName, "--store", _scene.StoreUrl);

        Assert.Equal(1, r.ExitCode);
        Assert.Contains($"{key} is encrypted with age and no identity was given", r.Error);
        Assert.Contains("--identity FILE", r.Error);
        Assert.Contains("ARCHIVER_AGE_IDENTITY_FILE", r.Error);
        Assert.Empty(r.RawOut!);
    }

    [Fact]
    public async Task Cat_WithIdentityFromTheEnvironment_PrintsTheFile()
    {
        var key = await _scene.SweepAsync();

        // The tests that read the variable share a collection, so none runs while it is set.
        Environment.SetEnvironmentVariable("ARCHIVER_AGE_IDENTITY_FILE", _scene.Inline.IdentityFile);
        try
        {
            var r = await CliRunner.RunAsync("cat", key, EncryptedScene.SecretName, "--store", _scene.StoreUrl);

            Assert.True(r.ExitCode == 0, r.ToString());
            AssertIsSource(EncryptedScene.SecretName, r.RawOut);
        }
        finally
        {
            Environment.SetEnvironmentVariable("ARCHIVER_AGE_IDENTITY_FILE", null);
        }
    }

    [Fact]
    public async Task OldEncryptedArchiveWithoutIndex_RestorePathAndCat_StreamAndReturnExactFiles()
    {
        var key = await _scene.SweepAsync();
        var manifest = _scene.Stored(ArchiveKeys.ManifestFor(key));
        File.WriteAllBytes(manifest, AgeCli.EditJson(File.ReadAllBytes(manifest), _scene.Inline, m =>
        {
            m.AsObject().Remove("index");
            m["archive"]!.AsObject().Remove("payloadOffset");
            foreach (var e in m["entries"]!.AsArray()) e!.AsObject().Remove("offset");
        }));
        var to = _scene.Tmp["old"];

        var restored = await CliRunner.RunAsync("restore", key, "--store", _scene.StoreUrl, "--to", to, "--path", EncryptedScene.SecretName, "--identity", _scene.Inline.IdentityFile);
        var cat = await CliRunner.RunAsync("cat", key, "data/blob.bin", "--store", _scene.StoreUrl, "--identity", _scene.Inline.IdentityFile);

        Assert.True(restored.ExitCode == 0, restored.ToString());
        Assert.Contains("the archive has no index", restored.Out);
        AssertIsSource(EncryptedScene.SecretName, File.ReadAllBytes(Path.Combine(to, "web-0", EncryptedScene.SecretName)));
        Assert.False(Directory.Exists(Path.Combine(to, "web-0", "data")));
        Assert.True(cat.ExitCode == 0, cat.ToString());
        AssertIsSource("data/blob.bin", cat.RawOut);
    }

    [Fact]
    public async Task Find_WithoutIdentity_ListsPlainMatches_Exit1CountingTheEncrypted()
    {
        await _scene.SweepAsync();
        var plainKey = await SweepPlainPodAsync();

        var r = await CliRunner.RunAsync("find", "*.csv", "--store", _scene.StoreUrl);

        Assert.Equal(1, r.ExitCode);
        Assert.Contains($"{plainKey}\torders.csv", r.Out);
        Assert.DoesNotContain(EncryptedScene.SecretName, r.Out);
        Assert.Contains("error: 1 encrypted archive(s) in range were not searched: their manifests are encrypted with age and no identity was given", r.Error);
        Assert.Contains("--identity FILE", r.Error);
    }

    [Fact]
    public async Task Find_WithIdentity_SearchesEncryptedManifestsToo()
    {
        var key = await _scene.SweepAsync();
        var plainKey = await SweepPlainPodAsync();

        var r = await CliRunner.RunAsync("find", "*.csv", "--store", _scene.StoreUrl, "--identity", _scene.FromFile.IdentityFile);

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains($"{key}\t{EncryptedScene.SecretName}", r.Out);
        Assert.Contains($"{plainKey}\torders.csv", r.Out);
        Assert.Contains("2 matching entries in 2 archives", r.Error);
    }

    /// <summary>A second, unencrypted pod archived into the same store; its key.</summary>
    private async Task<string> SweepPlainPodAsync()
    {
        var root = _scene.Tmp.Sub("plain");
        new PodTree(root).Pod("db-0", DateTimeOffset.UtcNow.AddDays(-3), d => File.WriteAllText(Path.Combine(d, "orders.csv"), "id,total\n1,2\n"));
        var r = await CliRunner.RunAsync("sweep", "--root", root, "--store", _scene.StoreUrl, "--liveness", "none", "--node", "node-a", "--json");
        Assert.True(r.ExitCode == 0, r.ToString());
        return r.LineFor("db-0").GetProperty("key").GetString()!;
    }
}
