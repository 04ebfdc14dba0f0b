using System.Diagnostics;
using Amazon.S3.Model;
using Archiver.Tests.Support;
using Xunit;

namespace Archiver.Tests.Reliability;

/// <summary>
/// Object-store faults injected by <see cref="S3FaultProxy"/> in front of the real S3 server, with
/// the real CLI sweeping through it. Each fault either heals by retrying (the proxy shows the retry)
/// or fails cleanly: nothing deleted, and no multipart upload left open after the next run.
/// </summary>
[Collection("s3")]
public sealed class S3FaultTests(S3Server server) : IDisposable
{
    private readonly TempDir _temp = new("s3faults");

    private string Root => _temp.Sub("data");

    /// <summary>How long a sweep through a stalling server may take, on a loaded 2-core machine: 90
    /// times the 2 s timeout the tests set, yet below the 5 minute default a stalled attempt would
    /// wait without it. So the bound holds under load and still fails if the timeout is ignored.</summary>
    private static readonly TimeSpan StalledSweepBound = TimeSpan.FromMinutes(3);

    [Theory]
    [InlineData(S3Fault.Status500)]
    [InlineData(S3Fault.ResetMidBody)]
    public async Task Sweep_FaultOnSecondPart_SendsThatPartAgainAndArchives(S3Fault fault)
    {
        var (bucket, dir, proxy) = await SceneAsync(fault == S3Fault.Status500 ? "e500" : "reset");
        proxy.Add(new FaultRule(r => r.IsUploadPart, fault, Skip: 1));

        var r = await SweepAsync(proxy, bucket);

        Assert.True(r.ExitCode == 0, r + proxy.Log);
        var failed = Assert.Single(proxy.Requests, q => q.Fault == fault);
        Assert.Contains(proxy.Requests, q => q.IsUploadPart && q.Fault is null && q.PartNumber == failed.PartNumber && q.At > failed.At);
        await AssertArchivedAsync(bucket, dir);
    }

    [Fact]
    public async Task Sweep_SlowDownAndServiceUnavailableForTwoSeconds_BacksOffAndArchives()
    {
        var (bucket, dir, proxy) = await SceneAsync("slow");
        proxy.Add(new FaultRule(r => r.Method == "HEAD", S3Fault.Status503))
            .Add(new FaultRule(r => r.IsUploadPart && r.PartNumber == "1", S3Fault.SlowDown, For: TimeSpan.FromSeconds(2)))
            .Add(new FaultRule(r => r.IsUploadPart && r.PartNumber != "1", S3Fault.Status503, For: TimeSpan.FromSeconds(2)));

        var r = await SweepAsync(proxy, bucket, "retries=10");

        Assert.True(r.ExitCode == 0, r + proxy.Log);
        var throttled = proxy.Requests.Where(q => q.Fault == S3Fault.SlowDown).ToList();
        // Part 1 got through only after the 2 s window, with at most 11 attempts (retries=10) in all:
        // the client waited between attempts instead of spending them at once.
        Assert.InRange(throttled.Count, 2, 10);
        var stored = proxy.Requests.First(q => q.IsUploadPart && q.PartNumber == "1" && q.Fault is null);
        Assert.True(stored.At - throttled[0].At > TimeSpan.FromSeconds(2), proxy.Log);
        foreach (var part in new[] { "2", "3" })
            Assert.InRange(proxy.Requests.Count(q => q.IsUploadPart && q.PartNumber == part && q.Fault == S3Fault.Status503), 1, 10);
        Assert.Contains(proxy.Requests, q => q.Method == "HEAD" && q.Fault == S3Fault.Status503);
        await AssertArchivedAsync(bucket, dir);
    }

    [Fact]
    public async Task Sweep_ResponseStalledPastTimeout_GivesUpOnThatAttemptInSecondsAndArchives()
    {
        var (bucket, dir, proxy) = await SceneAsync("stall");
        proxy.Add(new FaultRule(r => r.IsUploadPart, S3Fault.Stall, Skip: 1));
        var watch = Stopwatch.StartNew();

        var r = await SweepAsync(proxy, bucket, "timeout=2s");

        Assert.True(r.ExitCode == 0, r + proxy.Log);
        Assert.True(watch.Elapsed < StalledSweepBound, $"took {watch.Elapsed}\n{proxy.Log}");
        var stalled = Assert.Single(proxy.Requests, q => q.Fault == S3Fault.Stall);
        var resent = proxy.Requests.First(q => q.IsUploadPart && q.Fault is null && q.PartNumber == stalled.PartNumber && q.At > stalled.At);
        // Gave up on the stalled attempt after the 2 s timeout, in seconds (not the 5 minute default).
        Assert.True(resent.At - stalled.At >= TimeSpan.FromSeconds(1.5), proxy.Log);
        Assert.True(resent.At - stalled.At < TimeSpan.FromMinutes(1), proxy.Log);
        await AssertArchivedAsync(bucket, dir);
    }

    [Fact]
    public async Task Sweep_VerifyFullDownloadTruncated_DeletesNothingAndNextRunFinishes()
    {
        var (bucket, dir, proxy) = await SceneAsync("trunc");
        proxy.Add(new FaultRule(r => r.IsGetObject && r.Path.EndsWith(".tar.zst", StringComparison.Ordinal), S3Fault.TruncateBody, Times: int.MaxValue));
        var policy = _temp["verify-full.yaml"];
        await File.WriteAllTextAsync(policy, $"name: trunc\nroot: {Root}\nverify: full\nstore: \"{ProxiedUrl(proxy, bucket)}\"\n");

        var first = await Support.CliRunner.RunAsync("sweep", "--policy", policy, "--liveness", "none", "--node", "node-1", "--format", "tar.zst");

        Assert.True(first.ExitCode == 1, first + proxy.Log);
        Assert.Contains(proxy.Requests, q => q.Fault == S3Fault.TruncateBody);
        Assert.Contains("verify failed", first.Out);
        Assert.True(File.Exists(Path.Combine(dir, "big", "f0")), "nothing may be deleted when the archive could not be read back");
        using var client = server.CreateClient();
        Assert.Empty((await client.ListMultipartUploadsAsync(bucket)).MultipartUploads ?? []);

        var second = await Support.CliRunner.RunAsync("sweep", "--policy", policy, "--store", server.StoreUrl(bucket), "--liveness", "none", "--node", "node-1", "--format", "tar.zst");

        Assert.True(second.ExitCode == 0, second.ToString());
        await AssertArchivedAsync(bucket, dir);
    }

    [Fact]
    public async Task Sweep_VerifyFullDownloadStallsMidBody_GivesUpWithinTimeoutAndDeletesNothing()
    {
        var (bucket, dir, proxy) = await SceneAsync("bodystall");
        proxy.Add(new FaultRule(r => r.IsGetObject && r.Path.EndsWith(".tar.zst", StringComparison.Ordinal), S3Fault.StallMidBody, Times: int.MaxValue));
        var policy = _temp["verify-full.yaml"];
        await File.WriteAllTextAsync(policy, $"name: bodystall\nroot: {Root}\nverify: full\nstore: \"{ProxiedUrl(proxy, bucket, "timeout=2s")}\"\n");
        var watch = Stopwatch.StartNew();

        var first = await Support.CliRunner.RunAsync("sweep", "--policy", policy, "--liveness", "none", "--node", "node-1", "--format", "tar.zst");

        Assert.True(first.ExitCode == 1, first + proxy.Log);
        Assert.True(watch.Elapsed < StalledSweepBound, $"took {watch.Elapsed}: a stalled download must not hang the sweep\n{first}");
        Assert.Contains(proxy.Requests, q => q.Fault == S3Fault.StallMidBody);
        Assert.Contains("the connection stalled", first.Out);
        Assert.True(File.Exists(Path.Combine(dir, "big", "f0")), "nothing may be deleted when the archive could not be read back");
    }

    [Fact]
    public async Task Sweep_ServerFailsEveryPartAndTheAbort_FailsCleanlyAndNextRunAbortsTheUpload()
    {
        var (bucket, dir, proxy) = await SceneAsync("down");
        proxy.Add(new FaultRule(r => r.IsUploadPart || r.Method == "DELETE", S3Fault.Status500, Times: int.MaxValue));
        using var client = server.CreateClient();

        var first = await SweepAsync(proxy, bucket, "retries=1");

        Assert.True(first.ExitCode == 1, first + proxy.Log);
        Assert.Contains("kept failing (500 InternalError)", first.Out + first.Error);
        Assert.True(File.Exists(Path.Combine(dir, "big", "f0")), "nothing may be deleted when the upload failed");
        Assert.Contains(proxy.Requests, q => q.Method == "DELETE" && q.Fault == S3Fault.Status500);
        Assert.Single((await client.ListMultipartUploadsAsync(bucket)).MultipartUploads ?? []);
        Assert.Empty((await client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket })).S3Objects ?? []);

        var second = await Support.CliRunner.RunAsync("sweep", "--root", Root, "--store", server.StoreUrl(bucket), "--liveness", "none", "--node", "node-1", "--format", "tar.zst");

        Assert.True(second.ExitCode == 0, second.ToString());
        await AssertArchivedAsync(bucket, dir);
    }

    /// <summary>A fresh bucket, one dead pod with 12 MiB of random data (three 5 MiB parts), a proxy.</summary>
    private async Task<(string Bucket, string Dir, S3FaultProxy Proxy)> SceneAsync(string name)
    {
        var bucket = await server.CreateBucketAsync(name);
        var dir = new PodTree(Root).Pod("job-1", DateTimeOffset.UtcNow.AddDays(-3), d =>
        {
            Directory.CreateDirectory(Path.Combine(d, "big"));
            var data = new byte[12 << 20];
            new Random(7).NextBytes(data);
            File.WriteAllBytes(Path.Combine(d, "big", "f0"), data);
        });
        return (bucket, dir, _proxies.New());
    }

    private readonly S3Proxies _proxies = new(server);

    private string ProxiedUrl(S3FaultProxy proxy, string bucket, string? extra = null) =>
        server.StoreUrl(bucket, "", "partSize=5MiB" + (extra is null ? "" : "&" + extra))
            .Replace(Uri.EscapeDataString(server.Endpoint), Uri.EscapeDataString(proxy.Endpoint), StringComparison.Ordinal);

    private Task<Support.CliRunner.Result> SweepAsync(S3FaultProxy proxy, string bucket, string? extra = null) =>
        Support.CliRunner.RunAsync("sweep", "--root", Root, "--store", ProxiedUrl(proxy, bucket, extra), "--liveness", "none", "--node", "node-1", "--format", "tar.zst");

    /// <summary>The directory is gone, the bucket holds exactly one archive and its manifest, and no upload is open.</summary>
    private async Task AssertArchivedAsync(string bucket, string dir)
    {
        Assert.False(Directory.Exists(dir));
        using var client = server.CreateClient();
        var objects = (await client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket })).S3Objects ?? [];
        Assert.Equal(2, objects.Count);
        Assert.Empty((await client.ListMultipartUploadsAsync(bucket)).MultipartUploads ?? []);
        var archive = objects.Single(o => o.Key.EndsWith(".tar.zst", StringComparison.Ordinal));
        Assert.True(archive.Size > 12 << 20);
    }

    public void Dispose()
    {
        _proxies.Dispose();
        _temp.Dispose();
    }
}
