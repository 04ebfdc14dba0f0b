using System.Diagnostics;
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
        var small = await PeakRssOfSweepAsync(bucket, "small", mib: 16);
        var large = await PeakRssOfSweepAsync(bucket, "large", mib: 320);
        output.WriteLine($"peak RSS: 16 MiB directory {small >> 20} MiB, 320 MiB directory {large >> 20} MiB");

        // Part buffers: (uploadConcurrency 2 + 1) × 5 MiB = 15 MiB whatever the size; allow for GC slack.
        Assert.True(large - small < 40L << 20, $"peak RSS grew from {small >> 20} MiB to {large >> 20} MiB with the directory");
        Assert.True(large < 300L << 20, $"peak RSS {large >> 20} MiB while uploading 320 MiB");
    }

    private async Task<long> PeakRssOfSweepAsync(string bucket, string name, int mib)
    {
        var root = _temp.Sub(name);
        new PodTree(root).Pod("pod-" + name, DateTimeOffset.UtcNow.AddDays(-3), dir =>
        {
            var chunk = new byte[1 << 20];
            var random = new Random(mib);
            using var fs = File.Create(Path.Combine(dir, "data.bin"));
            for (var i = 0; i < mib; i++)
            {
                random.NextBytes(chunk);
                fs.Write(chunk);
            }
        });
        var psi = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, "archiver"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var a in new[] { "sweep", "--root", root, "--store", $"s3://{bucket}/{name}?pathStyle=true&partSize=5MiB&uploadConcurrency=2", "--liveness", "none", "--node", "n1", "--format", "tar.zst" })
            psi.ArgumentList.Add(a);
        foreach (var k in psi.Environment.Keys.Where(k => k.StartsWith("AWS_", StringComparison.Ordinal)).ToList()) psi.Environment.Remove(k);
        psi.Environment["AWS_ACCESS_KEY_ID"] = server.AccessKey;
        psi.Environment["AWS_SECRET_ACCESS_KEY"] = server.SecretKey;
        psi.Environment["AWS_ENDPOINT_URL_S3"] = server.Endpoint;
        psi.Environment["AWS_REGION"] = server.Region;
        psi.Environment["AWS_EC2_METADATA_DISABLED"] = "true";

        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        long peak = 0;
        while (!p.HasExited)
        {
            peak = Math.Max(peak, VmHwm(p.Id));
            await Task.Delay(20);
        }
        await p.WaitForExitAsync();
        Assert.True(p.ExitCode == 0, $"exit {p.ExitCode}\n{await stdout}\n{await stderr}");
        Assert.False(Directory.Exists(Path.Combine(root, "pod-" + name)));
        return peak;
    }

    /// <summary>The process's peak resident set so far, from /proc (0 once it is gone).</summary>
    private static long VmHwm(int pid)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
            return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) * 1024;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    public void Dispose() => _temp.Dispose();
}
