using Archiver.Hosting;
using Archiver.Policies;
using Archiver.Tests.Support;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace Archiver.Tests.Hosting;

public class PressureReliefTests
{
    private readonly FakeTimeProvider _clock = SceneClock.Start();

    private DateTimeOffset Now => _clock.GetUtcNow();

    private static (PressureRelief Relief, ArchiverMetrics Metrics) Build(IDiskUsageProbe disk, TimeProvider clock, PolicyGates? gates = null)
    {
        var options = HostingKit.Options("/unused");
        var metrics = new ArchiverMetrics();
        gates ??= new PolicyGates();
        var runner = new PolicyRunner(options, clock, metrics, new Readiness(), gates, disk);
        return (new PressureRelief(runner, metrics, gates, options.Node.Name), metrics);
    }

    private static LoadedPolicy Policy(TempDir tmp, string root, PressureSpec? pressure) =>
        new(new Policy
        {
            Name = "logs",
            Root = root,
            Store = new StoreSpec($"file://{tmp.Sub("store")}"),
            Liveness = new LivenessSpec("static", WriteLive(tmp, "live-0")),
            IdleFor = TimeSpan.FromDays(7),
            Pressure = pressure,
        }, "0 0 3 * * ?", TimeZoneInfo.Utc, "h");

    private static string WriteLive(TempDir tmp, string pod)
    {
        File.WriteAllText(tmp["live.txt"], pod + "\n");
        return tmp["live.txt"];
    }

    [Fact]
    public async Task CheckAsync_AboveHigh_ArchivesOldestFirstUntilBelowLow()
    {
        using var tmp = new TempDir("pressure");
        var root = tmp.Sub("data");
        var tree = new PodTree(root);
        tree.Pod("oldest-0", Now.AddDays(-3));
        tree.Pod("older-0", Now.AddDays(-2));
        tree.Pod("old-0", Now.AddHours(-1));
        // 50% + 10% per directory: 4 directories = 90%, above high (85%); two must go to get below 75%.
        tree.Pod("live-0", Now.AddDays(-5));
        var (relief, metrics) = Build(new DirectoryCountDisk(root, 50, 10), _clock);

        var archived = await relief.CheckAsync(Policy(tmp, root, new PressureSpec(85, 75, TimeSpan.FromMinutes(10))), CancellationToken.None);

        Assert.Equal(2, archived);
        Assert.False(Directory.Exists(Path.Combine(root, "oldest-0")));
        Assert.False(Directory.Exists(Path.Combine(root, "older-0")));
        Assert.True(Directory.Exists(Path.Combine(root, "old-0")), "stopped once below low");
        Assert.True(Directory.Exists(Path.Combine(root, "live-0")), "a live pod's directory is never archived, even under pressure");
        Assert.Equal(1, metrics.Get("archiver_pressure_runs_total", ("policy", "logs")));
        Assert.Equal(2, Directory.EnumerateFiles(tmp["store"], "*.tar.gz", SearchOption.AllDirectories).Count());
    }

    [Fact]
    public async Task CheckAsync_AboveHigh_NeverArchivesYoungerThanMinIdle()
    {
        using var tmp = new TempDir("pressure");
        var root = tmp.Sub("data");
        var tree = new PodTree(root);
        tree.Pod("old-0", Now.AddHours(-2));
        tree.Pod("fresh-0", Now.AddMinutes(-5));
        var (relief, _) = Build(new DirectoryCountDisk(root, 80, 5), _clock);

        var archived = await relief.CheckAsync(Policy(tmp, root, new PressureSpec(85, 75, TimeSpan.FromMinutes(10))), CancellationToken.None);

        Assert.Equal(1, archived);
        Assert.False(Directory.Exists(Path.Combine(root, "old-0")), "older than minIdle though younger than idleFor (7d)");
        Assert.True(Directory.Exists(Path.Combine(root, "fresh-0")), "younger than minIdle");
    }

    [Fact]
    public async Task CheckAsync_BelowHigh_TouchesNothingButReportsUsage()
    {
        using var tmp = new TempDir("pressure");
        var root = tmp.Sub("data");
        new PodTree(root).Pod("old-0", Now.AddDays(-30));
        var (relief, metrics) = Build(new DirectoryCountDisk(root, 70, 10), _clock);

        var archived = await relief.CheckAsync(Policy(tmp, root, new PressureSpec(85, 75, TimeSpan.FromMinutes(10))), CancellationToken.None);

        Assert.Equal(0, archived);
        Assert.True(Directory.Exists(Path.Combine(root, "old-0")), "under high, idleFor (7d) rules; the scheduled sweep handles it");
        Assert.Equal(80_000_000, metrics.Get("archiver_filesystem_used_bytes", ("policy", "logs"), ("root", root)));
        Assert.Equal(0, metrics.Get("archiver_pressure_runs_total", ("policy", "logs")));
    }

    [Fact]
    public async Task CheckAsync_SweepOfSamePolicyRunning_DoesNotRunAlongsideIt()
    {
        using var tmp = new TempDir("pressure");
        var root = tmp.Sub("data");
        new PodTree(root).Pod("old-0", Now.AddDays(-3));
        var gates = new PolicyGates();
        var (relief, _) = Build(new DirectoryCountDisk(root, 90, 5), _clock, gates);
        await gates.For("logs").WaitAsync();

        var archived = await relief.CheckAsync(Policy(tmp, root, new PressureSpec(85, 75, TimeSpan.FromMinutes(10))), CancellationToken.None);

        Assert.Equal(0, archived);
        Assert.True(Directory.Exists(Path.Combine(root, "old-0")));
    }

    [Fact]
    public void StatvfsProbe_RealFileSystem_ReportsSizeAndUsage()
    {
        var usage = new StatvfsDiskUsageProbe().Measure(Path.GetTempPath());
        Assert.True(usage.TotalBytes > 0);
        Assert.InRange(usage.UsedPercent, 0, 100);
        Assert.Throws<IOException>(() => new StatvfsDiskUsageProbe().Measure("/no/such/dir"));
    }
}
