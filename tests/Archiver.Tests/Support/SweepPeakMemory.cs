using System.Diagnostics;
using Xunit;

namespace Archiver.Tests.Support;

/// <summary>The peak resident set (VmHWM) of the real <c>archiver</c> binary sweeping one pod directory
/// of incompressible data into a store, in its own process (so the measurement is its alone), with
/// credentials in its environment as on a node.</summary>
public static class SweepPeakMemory
{
    /// <summary>Peak RSS of sweeping a 16 MiB directory, a 320 MiB one, then 16 MiB again with
    /// <paramref name="measure"/> (name, MiB): the small sweep's peak varies with the machine's load
    /// (78-118 MiB seen on a busy 2-core machine), so its baseline is the higher of the two.</summary>
    public static async Task<(long Small, long Large, string Report)> SmallLargeSmallAsync(Func<string, int, Task<long>> measure)
    {
        var before = await measure("small", 16);
        var large = await measure("large", 320);
        var after = await measure("small-again", 16);
        return (Math.Max(before, after), large, $"peak RSS: 16 MiB directory {before >> 20} and {after >> 20} MiB, 320 MiB directory {large >> 20} MiB");
    }

    /// <param name="environment">Set in the child; variables starting with one of
    /// <paramref name="cleared"/> are removed from it first.</param>
    public static async Task<long> MeasureAsync(string root, string pod, int mib, string storeUrl, IReadOnlyDictionary<string, string> environment, params string[] cleared)
    {
        new PodTree(root).Pod(pod, DateTimeOffset.UtcNow.AddDays(-3), dir =>
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
        foreach (var a in new[] { "sweep", "--root", root, "--store", storeUrl, "--liveness", "none", "--node", "n1", "--format", "tar.zst" })
            psi.ArgumentList.Add(a);
        foreach (var k in psi.Environment.Keys.Where(k => cleared.Any(c => k.StartsWith(c, StringComparison.Ordinal))).ToList()) psi.Environment.Remove(k);
        foreach (var (k, v) in environment) psi.Environment[k] = v;

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
        Assert.False(Directory.Exists(Path.Combine(root, pod)));
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
}
