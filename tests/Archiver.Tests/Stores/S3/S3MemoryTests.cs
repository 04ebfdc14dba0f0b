using Archiver.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace Archiver.Tests.Stores.S3;

/// <summary>
/// Memory while uploading does not grow with the directory: the real <c>archiver</c> binary sweeps
/// a small and a large directory into the S3 server, in its own process (so the measurement is its
/// alone), and its peak resident set (VmHWM) is compared. Credentials and endpoint come from the
/// child's environment (AWS_ACCESS_KEY_ID, AWS_ENDPOINT_URL_S3), as on a node.
/// </summary>
[Collection("s3")]
public sealed class S3MemoryTests(S3Server server, ITestOutputHelper output) : IDisposable
{
    private readonly TempDir _temp = new("s3mem");

    [Fact]
    public async Task Sweep_LargeDirectory_PeakMemoryDoesNotGrowWithSize()
    {
        var bucket = await server.CreateBucketAsync("mem");
        var (small, large, report) = await SweepPeakMemory.SmallLargeSmallAsync((name, mib) => PeakRssOfSweepAsync(bucket, name, mib));
        output.WriteLine(report);

        // Part buffers: (uploadConcurrency 2 + 1) × 5 MiB = 15 MiB whatever the size; allow for GC slack.
        Assert.True(large - small < 40L << 20, $"peak RSS grew from {small >> 20} MiB to {large >> 20} MiB with the directory");
        Assert.True(large < 300L << 20, $"peak RSS {large >> 20} MiB while uploading 320 MiB");
    }

    private Task<long> PeakRssOfSweepAsync(string bucket, string name, int mib) =>
        SweepPeakMemory.MeasureAsync(_temp.Sub(name), "pod-" + name, mib, $"s3://{bucket}/{name}?pathStyle=true&partSize=5MiB&uploadConcurrency=2", new Dictionary<string, string>
        {
            ["AWS_ACCESS_KEY_ID"] = server.AccessKey,
            ["AWS_SECRET_ACCESS_KEY"] = server.SecretKey,
            ["AWS_ENDPOINT_URL_S3"] = server.Endpoint,
            ["AWS_REGION"] = server.Region,
            ["AWS_EC2_METADATA_DISABLED"] = "true",
        }, "AWS_");

    public void Dispose() => _temp.Dispose();
}
