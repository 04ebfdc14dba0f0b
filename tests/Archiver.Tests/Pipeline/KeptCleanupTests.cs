using Archiver.Hosting;
using Archiver.Policies;
using Archiver.Tests.Hosting;
using Archiver.Tests.Support;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace Archiver.Tests.Pipeline;

public class KeptCleanupTests
{
    [Fact]
    public async Task Sweep_KeptLongerThanKeepLocalFor_DeletesTheLocalCopyOnly()
    {
        using var tmp = new TempDir("kept");
        var (clock, dir, loaded) = Scene(tmp, keepLocalFor: TimeSpan.FromDays(7));
        var metrics = new ArchiverMetrics();
        var runner = HostingKit.Runner(clock, metrics);

        await runner.SweepAsync(loaded, "schedule", CancellationToken.None);
        Assert.True(Directory.Exists(dir), "kept after upload");
        clock.Advance(TimeSpan.FromDays(6));
        await runner.SweepAsync(loaded, "schedule", CancellationToken.None);
        Assert.True(Directory.Exists(dir), "kept for less than keepLocalFor");

        clock.Advance(TimeSpan.FromDays(2));
        await runner.SweepAsync(loaded, "schedule", CancellationToken.None);

        Assert.False(Directory.Exists(dir));
        Assert.Single(Directory.EnumerateFiles(tmp["store"], "*.tar.gz", SearchOption.AllDirectories));
        Assert.Equal(1, metrics.Get("archiver_directories_total", ("policy", "logs"), ("decision", "archive"), ("reason", "kept-expired")));
        Assert.Equal(1, metrics.Get("archiver_kept_deleted_total", ("policy", "logs")));
    }

    [Fact]
    public async Task Sweep_KeptCopyModifiedSinceArchived_IsNotDeleted()
    {
        using var tmp = new TempDir("kept");
        var (clock, dir, loaded) = Scene(tmp, keepLocalFor: TimeSpan.FromDays(1), idleFor: TimeSpan.FromDays(30));
        var metrics = new ArchiverMetrics();
        var runner = HostingKit.Runner(clock, metrics);
        await runner.SweepAsync(loaded with { Policy = loaded.Policy with { IdleFor = TimeSpan.FromDays(1) } }, "schedule", CancellationToken.None);

        File.WriteAllText(Path.Combine(dir, "logs", "late.log"), "written after the archive");
        clock.Advance(TimeSpan.FromDays(2));
        await runner.SweepAsync(loaded, "schedule", CancellationToken.None);

        Assert.True(File.Exists(Path.Combine(dir, "logs", "late.log")), "content the archive does not hold is never deleted");
        Assert.Equal(1, metrics.Get("archiver_directories_total", ("policy", "logs"), ("decision", "archive"), ("reason", "kept-expired")));
        Assert.Equal(0, metrics.Get("archiver_kept_deleted_total", ("policy", "logs")));
    }

    /// <summary>A pod directory idle for two days under a policy that keeps what it archived.</summary>
    private static (FakeTimeProvider Clock, string Dir, LoadedPolicy Loaded) Scene(TempDir tmp, TimeSpan keepLocalFor, TimeSpan? idleFor = null)
    {
        var clock = SceneClock.Start();
        var root = tmp.Sub("data");
        var dir = new PodTree(root).Pod("web-0", clock.GetUtcNow().AddDays(-2));
        var policy = new Policy
        {
            Name = "logs", Root = root, Store = new StoreSpec($"file://{tmp.Sub("store")}"), Liveness = new LivenessSpec("none"),
            AfterUpload = AfterUpload.Keep, KeepLocalFor = keepLocalFor,
        };
        if (idleFor is { } idle) policy = policy with { IdleFor = idle };
        return (clock, dir, new LoadedPolicy(policy, "0 0 3 * * ?", TimeZoneInfo.Utc, "h"));
    }
}
