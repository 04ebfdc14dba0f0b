using System.Security.Cryptography;
using Archiver.Tests.Support;

namespace Archiver.Tests.Archives;

/// <summary>
/// Every regular file's SHA-256 in the manifest is the SHA-256 of its bytes, whether it was hashed
/// on the tar writer's thread (under <c>BackgroundSha256.MinFileSize</c>) or beside it on the
/// thread pool (larger files, including ones past the bytes it lets wait).
/// </summary>
public class FileHashTests
{
    [Fact]
    public async Task Sweep_FilesEitherSideOfTheBackgroundHashingSize_ManifestNamesTheSha256OfEachFile()
    {
        using var s = new SweepScene();
        var sizes = new Dictionary<string, int>
        {
            ["empty"] = 0,
            ["small.log"] = (1 << 20) - 1,
            ["exactly-1-mib.log"] = 1 << 20,
            ["large.bin"] = (9 << 20) + 7,
        };
        var random = new Random(26);
        s.Pod("web-1", fill: d =>
        {
            foreach (var (name, size) in sizes)
            {
                var bytes = new byte[size];
                random.NextBytes(bytes);
                File.WriteAllBytes(Path.Combine(d, name), bytes);
            }
        });
        var expected = sizes.Keys.ToDictionary(n => "web-1/" + n, n => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Path.Combine(s.Root, "web-1", n)))));

        var r = await s.SweepAsync();

        Assert.True(r.ExitCode == 0, r.ToString());
        var manifest = s.Manifest();
        foreach (var (path, sha) in expected)
            Assert.Equal(sha, manifest.Entries.Single(e => e.Path == path).Sha256);
        var extracted = s.Tmp.Sub("out");
        ExternalTool.Check("tar", "-xzf", Assert.Single(s.Archives()), "-C", extracted);
        foreach (var (path, sha) in expected)
            Assert.Equal(sha, Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Path.Combine(extracted, path)))));
    }
}
