using System.Security.Cryptography;
using System.Text;
using Archiver.Archives;
using Archiver.Tests.Support;

namespace Archiver.Tests.Encryption;

/// <summary>A sweep with <c>encryption.age</c>: what the store holds, and that the age tool and
/// GNU tar get the directory back exactly.</summary>
public sealed class EncryptedSweepTests : IDisposable
{
    private readonly EncryptedScene _scene = new();

    public void Dispose() => _scene.Dispose();

    [Fact]
    public async Task Sweep_StoresArchiveManifestAndIntegrityRecord_UnderAgeKeys()
    {
        var key = await _scene.SweepAsync();

        Assert.EndsWith(".tar.gz.age", key);
        var plain = key[..^".age".Length];
        Assert.Equal([key, plain + ".integrity.json", plain + ".manifest.json.age"], _scene.StoredFiles());
        Assert.False(Directory.Exists(Path.Combine(_scene.Root, "web-0")));
    }

    [Fact]
    public async Task StoredObjects_RevealNoFileNameAndNoContent()
    {
        var key = await _scene.SweepAsync();
        var stored = _scene.StoredFiles();

        // The archive, its manifest and its integrity record: each is read below.
        Assert.Equal(3, stored.Count);
        Assert.Contains(key, stored);
        foreach (var file in stored)
        {
            var bytes = File.ReadAllBytes(_scene.Stored(file));
            var text = Encoding.Latin1.GetString(bytes);
            Assert.DoesNotContain(EncryptedScene.SecretName, text);
            Assert.DoesNotContain("blob.bin", text);
            Assert.DoesNotContain(EncryptedScene.Marker, text);
            Assert.DoesNotContain("logs", text);
        }
    }

    [Fact]
    public async Task AgeCliAndGnuTar_RestoreTheDirectoryExactly_WithEitherRecipientsKey()
    {
        var key = await _scene.SweepAsync();

        foreach (var pair in new[] { _scene.Inline, _scene.FromFile })
        {
            var (exit, tarGz, error) = AgeCli.Decrypt(pair.IdentityFile, _scene.Stored(key));
            Assert.True(exit == 0, error);
            var outDir = _scene.Tmp.Sub($"out-{Path.GetFileName(pair.IdentityFile)}");
            File.WriteAllBytes(Path.Combine(outDir, "a.tar.gz"), tarGz);
            ExternalTool.Check("tar", "-xzpf", Path.Combine(outDir, "a.tar.gz"), "-C", outDir);

            Assert.Empty(_scene.Before.Diff(TreeSnapshot.Of(Path.Combine(outDir, "web-0"))));
        }
    }

    [Fact]
    public async Task Manifest_DecryptedByAgeCli_NamesTheStoredCiphertext()
    {
        var key = await _scene.SweepAsync();
        var manifestKey = key[..^".age".Length] + ".manifest.json.age";

        var (exit, json, error) = AgeCli.Decrypt(_scene.FromFile.IdentityFile, _scene.Stored(manifestKey));

        Assert.True(exit == 0, error);
        var manifest = System.Text.Json.JsonSerializer.Deserialize<ArchiveManifest>(json, ArchiveManifest.Json)!;
        var stored = File.ReadAllBytes(_scene.Stored(key));
        Assert.Equal("age", manifest.Archive.Encryption);
        Assert.Equal(stored.Length, manifest.Archive.Size);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(stored)), manifest.Archive.Sha256);
        Assert.Contains(manifest.Entries, e => e.Path.EndsWith(EncryptedScene.SecretName, StringComparison.Ordinal));
    }

    [Fact]
    public async Task IntegrityRecord_MatchesWhatSha256sumSees()
    {
        var key = await _scene.SweepAsync();
        var plain = key[..^".age".Length];

        var record = IntegrityRecord.Parse("t", File.ReadAllBytes(_scene.Stored(plain + ".integrity.json")));

        var archive = File.ReadAllBytes(_scene.Stored(key));
        var manifest = File.ReadAllBytes(_scene.Stored(plain + ".manifest.json.age"));
        Assert.Equal(new StoredDigest(archive.Length, Convert.ToHexStringLower(SHA256.HashData(archive))), record.Archive);
        Assert.Equal(new StoredDigest(manifest.Length, Convert.ToHexStringLower(SHA256.HashData(manifest))), record.Manifest);
    }

    [Fact]
    public async Task List_ShowsTheEncryptedArchiveOnce()
    {
        var key = await _scene.SweepAsync();

        var r = await CliRunner.RunAsync("list", "--store", _scene.StoreUrl);

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains($"{key}  (encrypted)", r.Out);
        Assert.Contains("1 archive,", r.Out);
    }
}
