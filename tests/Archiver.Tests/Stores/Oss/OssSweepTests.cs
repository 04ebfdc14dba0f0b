using System.Security.Cryptography;
using Archiver.Tests.Support;
using Xunit;

namespace Archiver.Tests.Stores.Oss;

/// <summary>
/// The real binary sweeping into <c>oss://</c> through the OSS stand-in, then <c>list</c>,
/// <c>verify</c> and <c>restore</c>: what an SRE runs against Alibaba OSS, held to OSS's rules.
/// </summary>
[Collection("s3")]
public sealed class OssSweepTests(S3Server server) : IDisposable
{
    private readonly TempDir _temp = new("osssweep");
    private readonly OssDialectProxy _oss = new(server);

    [Fact]
    public async Task SweepListVerifyRestore_Oss_RoundTripsAndOrphanCheckDoesNotWarn()
    {
        var bucket = await server.CreateBucketAsync("osssweep");
        var root = _temp.Sub("data");
        var dir = new PodTree(root).Pod("api-3", DateTimeOffset.UtcNow.AddDays(-2), d =>
        {
            File.WriteAllBytes(Path.Combine(d, "big.bin"), RandomNumberGenerator.GetBytes(7 << 20));
            File.WriteAllText(Path.Combine(d, "app.log"), "hello\n");
        });
        var originals = Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(root, f), f => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f))));
        var url = $"oss://{bucket}/archives?endpoint={Uri.EscapeDataString(_oss.Endpoint)}&partSize=5MiB";
        string[] sweep = ["sweep", "--root", root, "--store", url, "--liveness", "none", "--node", "node-1", "--format", "tar.gz", "--json", "-v"];

        var first = await OssCli.RunAsync(_oss, bucket, _temp.Path, sweep);
        var second = await OssCli.RunAsync(_oss, bucket, _temp.Path, sweep);

        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.False(Directory.Exists(dir));
        foreach (var run in new[] { first, second })
        {
            Assert.DoesNotContain(" WRN ", run.Error, StringComparison.Ordinal);
            Assert.Single(run.Error.Split('\n'), l => l.Contains("does not list unfinished uploads", StringComparison.Ordinal));
        }
        var key = first.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement)
            .Select(j => j.TryGetProperty("key", out var k) ? k.GetString() : null).First(k => k is not null)!;

        var list = await OssCli.RunAsync(_oss, bucket, _temp.Path, "list", "--store", url, "--node", "node-1", "--json");
        Assert.True(list.ExitCode == 0, list.ToString());
        Assert.Contains("\"pod\":\"api-3\"", list.Out.Replace(" ", ""), StringComparison.Ordinal);
        var verify = await OssCli.RunAsync(_oss, bucket, _temp.Path, "verify", key, "--store", url);
        Assert.True(verify.ExitCode == 0, verify.ToString());
        var to = _temp.Sub("restored");
        var restore = await OssCli.RunAsync(_oss, bucket, _temp.Path, "restore", key, "--store", url, "--to", to);
        Assert.True(restore.ExitCode == 0, restore.ToString());
        Assert.Equal(originals, Directory.EnumerateFiles(to, "*", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(to, f), f => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f)))));

        // Each sweep asked once for unfinished uploads and was told OSS does not list them; nothing else was refused.
        Assert.All(_oss.Refused, r => Assert.Equal(OssDialect.ListMultipartUploads, r.Operation));
        Assert.Equal(2, _oss.Refused.Count);
        foreach (var r in _oss.Refused) _oss.Acknowledge(r);
        Assert.Contains(_oss.Requests, r => r.Operation == "CompleteMultipartUpload");
    }

    public void Dispose()
    {
        var refused = _oss.Refused;
        _oss.Dispose();
        _temp.Dispose();
        Assert.True(refused.Count == 0, "the OSS stand-in refused:\n" + string.Join('\n', refused));
    }
}
