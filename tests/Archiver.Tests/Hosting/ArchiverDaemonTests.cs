using Archiver.Hosting;
using Archiver.Tests.Support;
using Xunit;

namespace Archiver.Tests.Hosting;

public class ArchiverDaemonTests
{
    private static async Task<ArchiverDaemon> StartAsync(string policies)
    {
        var daemon = new ArchiverDaemon(HostingKit.Options(policies), TimeProvider.System, new StatvfsDiskUsageProbe());
        await daemon.StartAsync(CancellationToken.None);
        return daemon;
    }

    [Fact]
    public async Task Start_RunOnStartPolicy_ArchivesAndMetricsShowTheSweep()
    {
        using var tmp = new TempDir("daemon");
        var root = tmp.Sub("data");
        var tree = new PodTree(root);
        tree.Pod("web-0", DateTimeOffset.UtcNow.AddDays(-3));
        tree.Pod("web-1", DateTimeOffset.UtcNow.AddDays(-2));
        tree.Pod("busy-0", DateTimeOffset.UtcNow.AddMinutes(-1));
        HostingKit.WritePolicy(tmp.Sub("policies"), "logs", root, tmp.Sub("store"), "schedule: \"0 3 * * *\"\nrunOnStart: true");

        await using var daemon = await StartAsync(tmp["policies"]);
        await HostingKit.WaitUntilAsync(() => daemon.Metrics.Get("archiver_sweeps_total", ("policy", "logs"), ("result", "ok")) == 1, 15, "the start sweep");
        var (status, metrics) = await HostingKit.GetAsync(daemon.Endpoint!, "/metrics");
        await daemon.StopAsync(CancellationToken.None);

        Assert.Equal(200, status);
        Assert.False(Directory.Exists(Path.Combine(root, "web-0")));
        Assert.True(Directory.Exists(Path.Combine(root, "busy-0")));
        Assert.Contains("archiver_sweeps_total{policy=\"logs\",result=\"ok\"} 1\n", metrics);
        Assert.Contains("archiver_directories_total{policy=\"logs\",decision=\"archive\",reason=\"eligible\"} 2\n", metrics);
        Assert.Contains("archiver_directories_total{policy=\"logs\",decision=\"skip\",reason=\"recently-modified\"} 1\n", metrics);
        Assert.Contains("archiver_bytes_read_total{policy=\"logs\"} 6800\n", metrics);
        Assert.Contains("archiver_archive_duration_seconds_count{policy=\"logs\"} 2\n", metrics);
        Assert.Contains("archiver_pending_directories{policy=\"logs\"} 0\n", metrics);
        Assert.Matches(@"archiver_last_successful_sweep_timestamp_seconds\{policy=""logs""\} \d{10}\n", metrics);
        Assert.Matches(@"archiver_filesystem_size_bytes\{policy=""logs"",root=""[^""]+""\} [1-9]\d*\n", metrics);
        Assert.Contains("# TYPE archiver_archive_duration_seconds histogram\n", metrics);
    }

    [Fact]
    public async Task Endpoints_PoliciesLoadedAndReachable_HealthyAndReady()
    {
        using var tmp = new TempDir("daemon");
        HostingKit.WritePolicy(tmp.Sub("policies"), "logs", tmp.Sub("data"), tmp.Sub("store"), "schedule: \"0 3 * * *\"");

        await using var daemon = await StartAsync(tmp["policies"]);
        await HostingKit.WaitUntilAsync(() => daemon.Readiness.WhyNotReady() is null, 10, "readiness");

        Assert.Equal(200, (await HostingKit.GetAsync(daemon.Endpoint!, "/healthz")).Status);
        Assert.Equal(200, (await HostingKit.GetAsync(daemon.Endpoint!, "/readyz")).Status);
        Assert.Equal(404, (await HostingKit.GetAsync(daemon.Endpoint!, "/nope")).Status);
        await daemon.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task Start_PolicyWhoseRootIsNotOnThisNode_IsReadyIdleAndCreatesNothing()
    {
        using var tmp = new TempDir("daemon");
        var absent = tmp["nas-not-mounted-here"];
        HostingKit.WritePolicy(tmp.Sub("policies"), "nas", absent, tmp.Sub("store"), "schedule: \"0 3 * * *\"\nrunOnStart: true");

        await using var daemon = await StartAsync(tmp["policies"]);
        await HostingKit.WaitUntilAsync(() => daemon.Metrics.Get("archiver_sweeps_total", ("policy", "nas"), ("result", "no-root")) == 1, 15, "the start sweep");
        await HostingKit.WaitUntilAsync(() => daemon.Readiness.WhyNotReady() is null, 10, "readiness");
        var (status, _) = await HostingKit.GetAsync(daemon.Endpoint!, "/readyz");
        await daemon.StopAsync(CancellationToken.None);

        Assert.Equal(200, status);
        Assert.False(Directory.Exists(absent));
    }

    [Fact]
    public async Task Start_NodeScopeWithoutAnExplicitNodeName_IsNotReadyAndArchivesNothing()
    {
        using var tmp = new TempDir("daemon");
        var root = tmp.Sub("data");
        new PodTree(root).Pod("web-0", DateTimeOffset.UtcNow.AddDays(-3));
        var policies = tmp.Sub("policies");
        File.WriteAllText(Path.Combine(policies, "k8s.yaml"),
            $"name: k8s\nroot: {root}\nstore: file://{tmp.Sub("store")}\nliveness:\n  source: kubernetes\n  scope: node\nidleFor: 1h\nschedule: \"0 3 * * *\"\nrunOnStart: true\n");
        // The host name is only a guess: node-scoped liveness must refuse it rather than match no pod.
        var options = HostingKit.Options(policies) with { Node = new NodeIdentity(Environment.MachineName, IsExplicit: false) };

        await using var daemon = new ArchiverDaemon(options, TimeProvider.System, new StatvfsDiskUsageProbe());
        await daemon.StartAsync(CancellationToken.None);
        await HostingKit.WaitUntilAsync(() => daemon.Metrics.Get("archiver_sweeps_total", ("policy", "k8s"), ("result", "error")) == 1, 15, "the start sweep");
        var (status, body) = await HostingKit.GetAsync(daemon.Endpoint!, "/readyz");
        await daemon.StopAsync(CancellationToken.None);

        Assert.Equal(503, status);
        Assert.Contains("NODE_NAME", body);
        Assert.True(Directory.Exists(Path.Combine(root, "web-0")));
    }

    [Fact]
    public async Task Readyz_NoValidPolicy_NotReadyAndSaysWhy()
    {
        using var tmp = new TempDir("daemon");
        File.WriteAllText(Path.Combine(tmp.Sub("policies"), "bad.yaml"), "name: bad\nroot: relative/path\n");

        await using var daemon = await StartAsync(tmp["policies"]);
        var (status, body) = await HostingKit.GetAsync(daemon.Endpoint!, "/readyz");
        var (_, metrics) = await HostingKit.GetAsync(daemon.Endpoint!, "/metrics");
        await daemon.StopAsync(CancellationToken.None);

        Assert.Equal(503, status);
        Assert.Contains("no valid policy is loaded", body);
        Assert.Contains("archiver_policy_invalid{file=\"" + Path.Combine(tmp["policies"], "bad.yaml") + "\"} 1\n", metrics);
        Assert.Contains("archiver_ready 0\n", metrics);
    }

    [Fact]
    public async Task Readyz_OneValidAndOneInvalidFile_NotReadyNamingTheFileAndLine_WhileTheValidPolicyRuns()
    {
        using var tmp = new TempDir("daemon");
        var policies = tmp.Sub("policies");
        HostingKit.WritePolicy(policies, "logs", tmp.Sub("data"), tmp.Sub("store"), "schedule: \"0 3 * * *\"");
        var bad = Path.Combine(policies, "typo.yaml");
        File.WriteAllText(bad, "name: typo\nroot: /data\nstore: file:///tmp/x\nschedule: \"every day at 3\"\n");

        await using var daemon = await StartAsync(policies);
        // Liveness and store of the valid policy answer: only the invalid file keeps the pod unready.
        await HostingKit.WaitUntilAsync(() => daemon.Readiness.WhyNotReady() is { } why && !why.Contains("not checked yet"), 10, "the valid policy's checks");
        var (status, body) = await HostingKit.GetAsync(daemon.Endpoint!, "/readyz");

        Assert.Equal(503, status);
        Assert.Contains($"invalid policy file {bad}:4:", body);
        Assert.Contains("schedule", body);
        Assert.Equal(["logs"], daemon.Catalog.Policies.Select(p => p.Name));

        File.Delete(bad);
        await HostingKit.WaitUntilAsync(() => daemon.Readiness.WhyNotReady() is null, 10, "readiness once the invalid file is gone");
        Assert.Equal(200, (await HostingKit.GetAsync(daemon.Endpoint!, "/readyz")).Status);
        await daemon.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task Metrics_LoadedPolicy_EveryCounterSeriesItCanTakeStartsAtZero()
    {
        using var tmp = new TempDir("daemon");
        HostingKit.WritePolicy(tmp.Sub("policies"), "logs", tmp.Sub("data"), tmp.Sub("store"), "schedule: \"0 3 * * *\"");

        await using var daemon = await StartAsync(tmp["policies"]);
        var (_, metrics) = await HostingKit.GetAsync(daemon.Endpoint!, "/metrics");
        await daemon.StopAsync(CancellationToken.None);

        // Before any sweep: a series that is born at 1 shows no increase() to an alert, so each exists at 0.
        foreach (var result in new[] { "ok", "failed", "busy", "error", "cancelled", "no-root" })
            Assert.Contains($"archiver_sweeps_total{{policy=\"logs\",result=\"{result}\"}} 0\n", metrics);
        foreach (var stage in new[] { "classify", "lock", "journal", "archive", "verify", "cleanup" })
            Assert.Contains($"archiver_failures_total{{policy=\"logs\",stage=\"{stage}\"}} 0\n", metrics);
        Assert.Contains("archiver_directories_total{policy=\"logs\",decision=\"skip\",reason=\"pod-live\"} 0\n", metrics);
        Assert.Contains("archiver_bytes_written_total{policy=\"logs\"} 0\n", metrics);
        Assert.Contains("archiver_objects_kept_by_lock_total{policy=\"logs\",path=\"prune\"} 0\n", metrics);
    }

    [Fact]
    public async Task Reload_InvalidNewVersion_KeepsTheOldPolicyRunningAndExposesTheProblem()
    {
        using var tmp = new TempDir("daemon");
        var file = HostingKit.WritePolicy(tmp.Sub("policies"), "logs", tmp.Sub("data"), tmp.Sub("store"), "schedule: \"0 3 * * *\"");
        await using var daemon = await StartAsync(tmp["policies"]);

        File.WriteAllText(file, File.ReadAllText(file).Replace("0 3 * * *", "every day at 3"));
        await HostingKit.WaitUntilAsync(() => daemon.Metrics.Get("archiver_policy_invalid", ("file", file)) == 1, 10, "the invalid version to be noticed");

        var running = Assert.Single(daemon.Catalog.Policies);
        Assert.Equal("0 3 * * *", running.Policy.Schedule);
        var problem = Assert.Single(daemon.Catalog.Problems);
        Assert.Equal(6, problem.Line);
        Assert.Contains("schedule", problem.Message);

        File.WriteAllText(file, File.ReadAllText(file).Replace("every day at 3", "30 4 * * *"));
        await HostingKit.WaitUntilAsync(() => daemon.Metrics.Get("archiver_policy_invalid", ("file", file)) == 0, 10, "the fixed version to load");
        Assert.Equal("30 4 * * *", Assert.Single(daemon.Catalog.Policies).Policy.Schedule);
        await daemon.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task Reload_NewAndRemovedFiles_AddAndStopPolicies()
    {
        using var tmp = new TempDir("daemon");
        var policies = tmp.Sub("policies");
        var first = HostingKit.WritePolicy(policies, "first", tmp.Sub("data"), tmp.Sub("store"), "schedule: \"0 3 * * *\"");
        await using var daemon = await StartAsync(policies);

        HostingKit.WritePolicy(policies, "second", tmp["data"], tmp["store"], "schedule: \"0 4 * * *\"");
        File.Delete(first);
        await HostingKit.WaitUntilAsync(() => daemon.Catalog.Policies.Select(p => p.Name).SequenceEqual(["second"]), 10, "the reload");
        await daemon.StopAsync(CancellationToken.None);
        Assert.Equal(1, daemon.Metrics.Get("archiver_policies_loaded"));
    }
}
