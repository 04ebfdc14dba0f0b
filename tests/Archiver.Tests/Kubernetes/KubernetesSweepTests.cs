using Xunit;

using Archiver.Tests.Support;

namespace Archiver.Tests.Kubernetes;

/// <summary>Sweeps through the real CLI with liveness from the real KubernetesClient against a
/// fake API server: which directories are archived and deleted, and which are kept.</summary>
public sealed class KubernetesSweepTests
{
    [Fact]
    public async Task Sweep_PodListAcrossPages_ArchivesOnlyGoneAndTerminalPods()
    {
        await using var k = new KubernetesSweep();
        k.Api.AddPod("default", "web-0", "Running");
        k.Api.AddPod("default", "pending-0", "Pending");
        k.Api.AddPod("batch", "job-1", "Succeeded");
        k.Api.AddPod("batch", "job-2", "Failed");
        k.Api.AddPod("default", "moved-0", "Running", node: "node-b");
        for (var i = 0; i < 5; i++) k.Api.AddPod("kube-system", $"filler-{i}");
        k.Api.AddPod("zz", "zz-last", "Running");
        foreach (var d in new[] { "web-0", "pending-0", "job-1", "job-2", "gone-1", "moved-0", "zz-last" }) k.Dir(d);
        var policy = k.Policy("  source: kubernetes\n  pageSize: \"2\"\n  rechecks: \"1\"");

        var result = await k.SweepAsync("--policy", policy);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.True(k.Exists("web-0") && k.Exists("pending-0") && k.Exists("zz-last"), "live pods' directories (first, middle and last page) are kept");
        Assert.False(k.Exists("job-1") || k.Exists("job-2") || k.Exists("gone-1"), "terminal and gone pods' directories are archived and deleted");
        Assert.False(k.Exists("moved-0"), "a pod bound to another node does not protect this node's hostPath directory");
        Assert.Equal(4, k.ArchivesInStore);
        Assert.Contains("pod default/web-0 is Running", KubernetesSweep.Reason(result, "web-0"));
        // The plan: one list from the watch cache, which answers it whole (limit ignored).
        var plan = Assert.Single(k.Api.Requests, r => r.Query.GetValueOrDefault("resourceVersion") == "0");
        Assert.Equal("spec.nodeName=node-a", plan.Query["fieldSelector"]);
        // The recheck before deletes: this node's 10 pods, consistently, 2 a page; then the unscheduled ones.
        var recheck = k.Api.Requests.Where(r => r.Path == "/api/v1/pods" && !r.Query.ContainsKey("resourceVersion")).ToList();
        Assert.Equal(5, recheck.Count(r => r.Query["fieldSelector"] == "spec.nodeName=node-a"));
        Assert.Equal(4, recheck.Count(r => r.Query.ContainsKey("continue")));
        Assert.Single(recheck, r => r.Query["fieldSelector"] == "spec.nodeName=");
    }

    [Fact]
    public async Task Sweep_GoneMidPagination_RestartsTheListAndStillProtectsLivePods()
    {
        await using var k = new KubernetesSweep();
        for (var i = 0; i < 6; i++) k.Api.AddPod("default", $"web-{i}");
        k.Dir("web-5");
        k.Dir("gone-1");
        k.Api.Fail(r => r.Path == "/api/v1/pods" && r.Query.ContainsKey("continue"), 410, times: 1);

        var result = await k.SweepAsync("--policy", k.Policy("  source: kubernetes\n  pageSize: \"2\""));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.True(k.Exists("web-5"), "the live pod on the last page protects its directory after the restart");
        Assert.False(k.Exists("gone-1"));
        var recheck = k.Api.Requests.Where(r => r.Query["fieldSelector"] == "spec.nodeName=node-a" && Support.FakeKubernetesApi.IsConsistentPodList(r)).ToList();
        Assert.Equal(2, recheck.Count);
    }

    [Fact]
    public async Task Sweep_GoneOnEveryRestart_FailsClosed()
    {
        await using var k = new KubernetesSweep();
        for (var i = 0; i < 4; i++) k.Api.AddPod("default", $"web-{i}");
        k.Dir("gone-1");
        k.Api.Fail(r => r.Path == "/api/v1/pods" && r.Query.ContainsKey("continue"), 410);

        var result = await k.SweepAsync("--policy", k.Policy("  source: kubernetes\n  pageSize: \"2\""));

        Assert.Equal(1, result.ExitCode);
        Assert.True(k.Exists("gone-1"), "a recheck that never completes deletes nothing");
        Assert.Equal(1, k.ArchivesInStore);
        Assert.Contains("liveness unknown before delete", KubernetesSweep.Reason(result, "gone-1"));
        Assert.Contains("410 Gone", KubernetesSweep.Reason(result, "gone-1"));
    }

    [Fact]
    public async Task Sweep_PaginationNeverEnds_FailsClosed()
    {
        await using var k = new KubernetesSweep();
        for (var i = 0; i < 6; i++) k.Api.AddPod("default", $"web-{i}");
        k.Dir("gone-1");
        k.Api.LoopingContinueToken = true;

        var result = await k.SweepAsync("--policy", k.Policy("  source: kubernetes\n  pageSize: \"2\""));

        Assert.Equal(1, result.ExitCode);
        Assert.True(k.Exists("gone-1"));
        Assert.Contains("pagination does not end", KubernetesSweep.Reason(result, "gone-1"));
    }

    [Theory]
    [InlineData(401, "401 Unauthorized")]
    [InlineData(403, "missing RBAC permission pods list")]
    [InlineData(500, "500")]
    public async Task Sweep_ApiError_FailsClosedAndSaysWhatFailed(int status, string expected)
    {
        await using var k = new KubernetesSweep();
        k.Dir("gone-1");
        k.Dir("gone-2");
        k.Api.Fail(r => r.Path == "/api/v1/pods", status);

        var result = await k.SweepAsync();

        Assert.Equal(1, result.ExitCode);
        Assert.True(k.Exists("gone-1") && k.Exists("gone-2"), "nothing is deleted when liveness is unknown");
        Assert.Equal(0, k.ArchivesInStore);
        var reason = KubernetesSweep.Reason(result, "gone-1");
        Assert.StartsWith("liveness unknown: list pods on node node-a", reason);
        Assert.Contains(expected, reason);
    }

    [Fact]
    public async Task Sweep_ForbiddenOnSecondPage_FailsClosed()
    {
        await using var k = new KubernetesSweep();
        for (var i = 0; i < 4; i++) k.Api.AddPod("default", $"web-{i}");
        k.Dir("gone-1");
        k.Api.Fail(r => r.Query.ContainsKey("continue"), 403);

        var result = await k.SweepAsync("--policy", k.Policy("  source: kubernetes\n  pageSize: \"2\""));

        Assert.Equal(1, result.ExitCode);
        Assert.True(k.Exists("gone-1"), "an incomplete list never counts as 'pod gone'");
        Assert.Contains("page 2", KubernetesSweep.Reason(result, "gone-1"));
    }

    [Fact]
    public async Task Sweep_ApiHangsPastTimeout_FailsClosed()
    {
        await using var k = new KubernetesSweep();
        k.Dir("gone-1");
        k.Api.Fail(r => r.Path == "/api/v1/pods", FakeKubernetesApiHang);

        var watch = System.Diagnostics.Stopwatch.StartNew();
        var result = await k.SweepAsync("--policy", k.Policy("  source: kubernetes\n  requestTimeout: 1s"));

        Assert.Equal(1, result.ExitCode);
        Assert.True(k.Exists("gone-1"));
        Assert.Contains("no answer from http://127.0.0.1", KubernetesSweep.Reason(result, "gone-1"));
        // The policy's timeout is the one that ended the call (not the 30 s default); the bound only
        // says the sweep does not hang, with room for a loaded machine.
        Assert.Contains("within 1s (requestTimeout)", KubernetesSweep.Reason(result, "gone-1"));
        Assert.True(watch.Elapsed < TimeSpan.FromMinutes(1), $"the sweep gave up after {watch.Elapsed}");
    }

    private const int FakeKubernetesApiHang = Support.FakeKubernetesApi.Hang;

    [Fact]
    public async Task Sweep_PodComesBackBeforeDelete_ArchivesButKeepsTheDirectory()
    {
        await using var k = new KubernetesSweep();
        k.Api.AddPod("default", "web-0");
        k.Dir("back-0");
        k.Api.OnRequest = r =>
        {
            if (Support.FakeKubernetesApi.IsConsistentPodList(r)) k.Api.AddPod("default", "back-0", "Running");
        };

        var result = await k.SweepAsync();

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.True(k.Exists("back-0"), "the last-moment check keeps a directory whose pod is alive again");
        Assert.Contains("is Running again; not deleted", KubernetesSweep.Reason(result, "back-0"));
        Assert.Contains(k.Api.Requests, r => r.Query.GetValueOrDefault("fieldSelector") == "spec.nodeName=node-a" && Support.FakeKubernetesApi.IsConsistentPodList(r));
    }

    [Theory]
    [InlineData("node-b", false)]
    [InlineData("", true)]
    public async Task Sweep_RecheckInNodeScope_IgnoresPodsOfOtherNodesButNotUnscheduledOnes(string node, bool kept)
    {
        await using var k = new KubernetesSweep();
        k.Api.AddPod("default", "web-0");
        k.Dir("back-0");
        k.Api.OnRequest = r =>
        {
            if (Support.FakeKubernetesApi.IsConsistentPodList(r)) k.Api.AddPod("default", "back-0", "Pending", node);
        };

        var result = await k.SweepAsync();

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(kept, k.Exists("back-0"));
    }

    [Fact]
    public async Task Sweep_RecheckAnswerHoldsOtherPods_CountsOnlyThePodOfThatName()
    {
        await using var k = new KubernetesSweep();
        k.Api.AddPod("default", "live-pod-1");
        k.Dir("gone-0");
        k.Api.IgnoreFieldSelectors = true; // a proxy that drops fieldSelector: every list holds every pod

        var result = await k.SweepAsync();

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains(k.Api.Requests, r => r.Query.GetValueOrDefault("fieldSelector") == "spec.nodeName=node-a" && Support.FakeKubernetesApi.IsConsistentPodList(r));
        Assert.False(k.Exists("gone-0"), KubernetesSweep.Reason(result, "gone-0"));
        Assert.DoesNotContain("live-pod-1", KubernetesSweep.Reason(result, "gone-0"));
    }

    [Fact]
    public async Task Sweep_NameOnlyLayoutWithSameNameInTwoNamespaces_ProtectsAndSaysSo()
    {
        await using var k = new KubernetesSweep();
        k.Api.AddPod("prod", "web-0", "Running");
        k.Api.AddPod("staging", "web-0", "Succeeded");
        k.Api.AddPod("a", "db-0", "Succeeded");
        k.Api.AddPod("b", "db-0", "Failed");
        k.Dir("web-0");
        k.Dir("db-0");

        var result = await k.SweepAsync();

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.True(k.Exists("web-0"), "name only: a live pod of that name in any namespace protects the directory");
        Assert.Contains("exist in 2 namespaces", KubernetesSweep.Reason(result, "web-0"));
        Assert.False(k.Exists("db-0"), "every pod of that name is terminal");
        Assert.Contains("exist in 2 namespaces", KubernetesSweep.Reason(result, "db-0"));
    }
}
