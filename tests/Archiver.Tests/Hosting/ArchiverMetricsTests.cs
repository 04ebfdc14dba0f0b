using Archiver.Hosting;
using Archiver.Journal;
using Archiver.Policies;
using Archiver.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace Archiver.Tests.Hosting;

public class ArchiverMetricsTests
{
    /// <summary>A metric that is declared (and documented) but that nothing writes shows a flat line
    /// nobody questions: every family must be written by the daemon's own paths. One metrics
    /// instance sees the daemon (policies, readiness), scheduled sweeps on a scene clock (archive,
    /// keep, a failure, retention, kept copies deleted) and a disk-pressure run.</summary>
    [Fact]
    public async Task DaemonPaths_EveryDeclaredMetric_IsWritten()
    {
        using var tmp = new TempDir("metrics");
        var metrics = new ArchiverMetrics();
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var root = tmp.Sub("data");
        new PodTree(root).Pod("web-0", clock.GetUtcNow().AddDays(-2));
        new PodTree(root).Pod("busy-0", clock.GetUtcNow().AddMinutes(-1));
        var logs = Loaded(new Policy
        {
            Name = "logs", Root = root, Store = new StoreSpec($"file://{tmp.Sub("store")}"), Liveness = new LivenessSpec("none"), Cluster = "prod",
            AfterUpload = AfterUpload.Keep, KeepLocalFor = TimeSpan.FromDays(1), RemoteFor = TimeSpan.FromDays(1),
            Pressure = new PressureSpec(85, 75, TimeSpan.FromMinutes(10)),
        });
        var broken = Loaded(logs.Policy with { Name = "broken", Root = tmp.Sub("broken"), AfterUpload = AfterUpload.Delete, Pressure = null });
        ReplacedAfterCrashMidDelete(broken.Policy, clock);
        var options = HostingKit.Options(tmp.Sub("policies"));
        var gates = new PolicyGates();
        var runner = new PolicyRunner(options, clock, metrics, new Readiness(), gates, new DirectoryCountDisk(root, 80, 10));

        await runner.SweepAsync(logs, "schedule", CancellationToken.None);
        await runner.SweepAsync(broken, "schedule", CancellationToken.None);
        await new PressureRelief(runner, metrics, gates, options.Node.Name).CheckAsync(logs, CancellationToken.None);
        clock.Advance(TimeSpan.FromDays(2));
        await runner.SweepAsync(logs, "schedule", CancellationToken.None);

        HostingKit.WritePolicy(tmp["policies"], "idle", tmp.Sub("idle"), tmp.Sub("store2"), "schedule: \"0 3 * * *\"");
        File.WriteAllText(Path.Combine(tmp["policies"], "bad.yaml"), "name: bad\nroot: relative/path\n");
        await using (var daemon = new ArchiverDaemon(options, TimeProvider.System, new StatvfsDiskUsageProbe(), metrics: metrics))
        {
            await daemon.StartAsync(CancellationToken.None);
            Assert.Equal(200, (await HostingKit.GetAsync(daemon.Endpoint!, "/metrics")).Status);
            await daemon.StopAsync(CancellationToken.None);
        }

        Assert.Empty(metrics.Families.Where(f => !f.Written).Select(f => f.Name));
        Assert.Equal(1, metrics.Get("archiver_kept_deleted_total", ("policy", "logs")));
        Assert.Equal(1, metrics.Get("archiver_failures_total", ("policy", "broken"), ("stage", "cleanup")));
        Assert.Equal(1, metrics.Get("archiver_pressure_runs_total", ("policy", "logs")));
    }

    [Fact]
    public void Write_WrongNumberOfLabelValues_IsRefusedNamingTheLabels()
    {
        var metrics = new ArchiverMetrics();

        var e = Assert.Throws<ArgumentException>(() => metrics.SweepsTotal.Add(1, "logs"));

        Assert.Contains("archiver_sweeps_total takes the labels (policy, result)", e.Message);
        Assert.False(metrics.SweepsTotal.Written);
    }

    [Fact]
    public void Families_NamesAreUniqueAndInPrometheusForm()
    {
        var names = new ArchiverMetrics().Families.Select(f => f.Name).ToList();

        Assert.Equal(names.Count, names.Distinct().Count());
        Assert.All(names, n => Assert.Matches("^archiver_[a-z_]+$", n));
    }

    /// <summary>A directory whose delete was recorded as started, then replaced by another one of
    /// the same name before the delete was resumed: the cleanup stage refuses it (a failure).</summary>
    private static void ReplacedAfterCrashMidDelete(Policy policy, TimeProvider clock)
    {
        new PodTree(policy.Root).Pod("gone-0", clock.GetUtcNow().AddDays(-2));
        var journal = new DirectoryJournal(policy.StateDirectory, clock);
        var record = journal.Begin(new JournalRecord { Dir = "gone-0", Key = "prod/n1/gone-0.tar.gz", Device = 0, Inode = 0 });
        foreach (var state in new[] { JournalState.Uploaded, JournalState.Verified, JournalState.Deleting }) record = journal.Advance(record, state);
    }

    [Fact]
    public void Metrics_LabelValuesWithQuotes_EscapedInExposition()
    {
        var metrics = new ArchiverMetrics();
        metrics.PolicyInvalid.Set(1, "/etc/a \"b\"\\c.yaml");
        Assert.Contains("archiver_policy_invalid{file=\"/etc/a \\\"b\\\"\\\\c.yaml\"} 1\n", metrics.Render());
    }

    private static LoadedPolicy Loaded(Policy policy) => new(policy, "0 0 3 * * ?", TimeZoneInfo.Utc, "h");
}
