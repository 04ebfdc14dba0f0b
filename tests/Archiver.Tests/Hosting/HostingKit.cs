using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Text;
using Archiver.Hosting;

namespace Archiver.Tests.Hosting;

/// <summary>Helpers for daemon tests: policy files, waiting on a real clock with a deadline, a plain
/// HTTP GET over loopback, and fake runners and disks.</summary>
internal static class HostingKit
{
    public static string WritePolicy(string dir, string name, string root, string store, string extra = "")
    {
        var path = Path.Combine(dir, $"{name}.yaml");
        File.WriteAllText(path, $"""
            name: {name}
            root: {root}
            store: file://{store}
            liveness: none
            idleFor: 1h
            {extra.Replace("\n", "\n" + "")}
            """.Replace("\n            ", "\n"));
        return path;
    }

    /// <summary>Polls until <paramref name="condition"/> holds; fails after <paramref name="seconds"/>.</summary>
    public static async Task WaitUntilAsync(Func<bool> condition, double seconds, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"timed out after {seconds}s waiting for {what}");
            await Task.Delay(50);
        }
    }

    public static async Task<(int Status, string Body)> GetAsync(System.Net.IPEndPoint endpoint, string path)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(endpoint.Address, endpoint.Port);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"GET {path} HTTP/1.1\r\nHost: localhost\r\n\r\n"));
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var text = await reader.ReadToEndAsync();
        var status = int.Parse(text.Split(' ')[1]);
        return (status, text[(text.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)..]);
    }

    public static DaemonOptions Options(string policies, string node = "n1") => new()
    {
        PoliciesDirectory = policies,
        Node = new NodeIdentity(node, IsExplicit: true),
        Listen = new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0),
        ReloadInterval = TimeSpan.FromMilliseconds(100),
        Nice = 0,
        IoClass = "none",
        GracePeriod = TimeSpan.FromSeconds(10),
    };

    /// <summary>The daemon's real policy runner, on <paramref name="clock"/>, with no policy directory.</summary>
    public static PolicyRunner Runner(TimeProvider clock, ArchiverMetrics? metrics = null) =>
        new(Options("/unused"), clock, metrics ?? new ArchiverMetrics(), new Readiness(), new PolicyGates(), new StatvfsDiskUsageProbe());
}

/// <summary>Counts runs, records overlap, and can be made slow.</summary>
internal sealed class CountingRunner(TimeSpan delay) : IPolicyRunner
{
    private int _running;

    public ConcurrentQueue<(string Policy, string Trigger)> Runs { get; } = new();

    public int MaxConcurrent { get; private set; }

    public async Task SweepAsync(LoadedPolicy policy, string trigger, CancellationToken cancellationToken)
    {
        var now = Interlocked.Increment(ref _running);
        lock (this) MaxConcurrent = Math.Max(MaxConcurrent, now);
        Runs.Enqueue((policy.Name, trigger));
        try
        {
            await Task.Delay(delay, cancellationToken);
        }
        finally
        {
            Interlocked.Decrement(ref _running);
        }
    }
}

/// <summary>A disk whose usage follows what is in a directory: <paramref name="basePercent"/> plus
/// <paramref name="percentPerDir"/> for each child directory.</summary>
internal sealed class DirectoryCountDisk(string root, double basePercent, double percentPerDir) : IDiskUsageProbe
{
    public DiskUsage Measure(string path)
    {
        var percent = basePercent + percentPerDir * Directory.EnumerateDirectories(root).Count(d => !Path.GetFileName(d).StartsWith('.'));
        return DiskUsage.Of((long)(percent * 1_000_000), 100_000_000);
    }
}
