using Archiver.Stores.Azure;
using Archiver.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace Archiver.Tests.Stores.Azure;

/// <summary>
/// <see cref="S3.S3MemoryTests"/> for <c>azblob://</c>: the real binary sweeps a small and a large
/// directory into Azurite with the account's name and key in its environment, and its peak resident
/// set does not grow with the directory (blocks go through the same bounded buffers as S3 parts).
/// </summary>
[Collection("azurite")]
public sealed class AzureMemoryTests(AzuriteServer server, ITestOutputHelper output) : IDisposable
{
    private readonly TempDir _temp = new("azmem");

    [Fact]
    public async Task Sweep_LargeDirectory_PeakMemoryDoesNotGrowWithSize()
    {
        var container = await server.CreateContainerAsync("mem");
        var (small, large, report) = await SweepPeakMemory.SmallLargeSmallAsync((name, mib) => PeakRssOfSweepAsync(container, name, mib));
        output.WriteLine(report);

        // Block buffers: (uploadConcurrency 2 + 1) × 5 MiB = 15 MiB whatever the size; allow for GC slack.
        Assert.True(large - small < 40L << 20, $"peak RSS grew from {small >> 20} MiB to {large >> 20} MiB with the directory");
        Assert.True(large < 300L << 20, $"peak RSS {large >> 20} MiB while uploading 320 MiB");
    }

    private Task<long> PeakRssOfSweepAsync(string container, string name, int mib) =>
        SweepPeakMemory.MeasureAsync(_temp.Sub(name), "pod-" + name, mib, server.StoreUrl(container, name, "partSize=5MiB&uploadConcurrency=2"), new Dictionary<string, string>
        {
            [AzureCredentialChain.AccountVariable] = server.Account,
            [AzureCredentialChain.KeyVariable] = server.Key,
        }, "AZURE_");

    public void Dispose() => _temp.Dispose();
}
