using Archiver.Tests.Support;
using Xunit;

namespace Archiver.Tests.Kubernetes;

/// <summary>The Kubernetes API cost of a sweep does not grow with the number of directories: one plan
/// list from the API server's watch cache, and at most <c>liveness.rechecks</c> consistent rechecks (default
/// 2; each one list, two in node scope) for every directory about to be deleted. Requests are counted by
/// kind on the fake API.</summary>
public sealed class KubernetesApiCostTests
{
    private const string SharedLayout = "{namespace}_{pod}_{podip}_{nodeip}_{node}";

    [Theory]
    [InlineData(1, 1)]
    [InlineData(60, 1)]
    [InlineData(600, 1)]
    [InlineData(1, 2)]
    [InlineData(60, 2)]
    [InlineData(600, 2)]
    public async Task Sweep_HostPathLayout_PodRequestsBoundedByRechecksWhateverTheDirectoryCount(int directories, int rechecks)
    {
        await using var k = new KubernetesSweep();
        k.Api.AddPod("default", "web-0");
        k.Dir("web-0");
        for (var i = 0; i < directories; i++) k.Dir($"gone-{i}");

        var result = await k.SweepAsync("--policy", k.Policy($"  source: kubernetes\n  rechecks: \"{rechecks}\""));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(directories, Enumerable.Range(0, directories).Count(i => !k.Exists($"gone-{i}")));
        Assert.True(k.Exists("web-0"));
        var pods = k.Api.Requests.Where(FakeKubernetesApi.IsPodRead).ToList();
        // Node scope: the plan, then per recheck this node's pods and the pods not yet scheduled.
        Assert.True(pods.Count <= 1 + 2 * rechecks, $"{pods.Count} pod requests for {directories} directories with rechecks {rechecks}");
        var plan = Assert.Single(pods, FakeKubernetesApi.IsCachedPodList);
        Assert.Equal("spec.nodeName=node-a", plan.Query["fieldSelector"]);
        var recheck = pods.Where(FakeKubernetesApi.IsConsistentPodList).Select(r => r.Query["fieldSelector"]).ToList();
        Assert.InRange(recheck.Count(f => f == "spec.nodeName=node-a"), 1, rechecks);
        Assert.Equal(recheck.Count(f => f == "spec.nodeName=node-a"), recheck.Count(f => f == "spec.nodeName="));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(60)]
    [InlineData(600)]
    public async Task Sweep_SharedLayoutInClusterScope_PodRequestsBoundedWhateverTheDirectoryCount(int directories)
    {
        await using var k = new KubernetesSweep();
        k.Api.AddPod("prod", "web-0", node: "node-b");
        k.Dir("prod_web-0_10.0.0.1_192.168.1.2_node-b");
        for (var i = 0; i < directories; i++) k.Dir($"{(i % 2 == 0 ? "prod" : "batch")}_job-{i}_10.0.1.{i % 250}_192.168.1.3_node-c");

        var result = await k.SweepAsync("--policy", k.Policy("  source: kubernetes\n  scope: cluster\n  lease: \"false\"", SharedLayout));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(0, Enumerable.Range(0, directories).Count(i => k.Exists($"{(i % 2 == 0 ? "prod" : "batch")}_job-{i}_10.0.1.{i % 250}_192.168.1.3_node-c")));
        Assert.True(k.Exists("prod_web-0_10.0.0.1_192.168.1.2_node-b"));
        var pods = k.Api.Requests.Where(FakeKubernetesApi.IsPodRead).ToList();
        Assert.True(pods.Count <= 1 + 2 * 2, $"{pods.Count} pod requests for {directories} directories");
        Assert.Single(pods, FakeKubernetesApi.IsCachedPodList);
        // Few namespaces: each recheck lists the namespaces of the directories it answers (here prod and batch).
        var recheck = pods.Where(FakeKubernetesApi.IsConsistentPodList).Select(r => r.Path).Distinct().Order(StringComparer.Ordinal).ToList();
        Assert.Equal(directories == 1 ? ["/api/v1/namespaces/prod/pods"] : ["/api/v1/namespaces/batch/pods", "/api/v1/namespaces/prod/pods"], recheck);
    }

    [Fact]
    public async Task Sweep_SharedLayoutInManyNamespaces_RechecksWithOneClusterWideList()
    {
        await using var k = new KubernetesSweep();
        k.Api.AddPod("kube-system", "dns-0", node: "node-b");
        foreach (var ns in new[] { "a", "b", "c", "d" }) k.Dir($"{ns}_job-0_10.0.0.1_192.168.1.3_node-c");

        var result = await k.SweepAsync("--policy", k.Policy("  source: kubernetes\n  scope: cluster\n  lease: \"false\"\n  rechecks: \"1\"", SharedLayout));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(4, k.ArchivesInStore);
        var recheck = Assert.Single(k.Api.Requests, FakeKubernetesApi.IsConsistentPodList);
        Assert.Equal("/api/v1/pods", recheck.Path);
        Assert.False(recheck.Query.ContainsKey("fieldSelector"));
    }

    [Fact]
    public async Task Sweep_StaleWatchCache_ConsistentRecheckStillKeepsTheReturnedPodsDirectory()
    {
        await using var k = new KubernetesSweep();
        k.Api.AddPod("default", "web-0");
        k.Dir("web-1");
        k.Dir("gone-0");
        k.Api.FreezeCache(); // the cache has not seen web-1 come back yet
        k.Api.AddPod("default", "web-1");

        var result = await k.SweepAsync();

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("pod default/web-1 is Running again; not deleted", KubernetesSweep.Reason(result, "web-1"));
        Assert.True(k.Exists("web-1"), "the stale plan archived it, the consistent recheck kept it");
        Assert.False(k.Exists("gone-0"));
    }

    [Fact]
    public async Task Sweep_RecheckFails_ProtectsEveryDirectoryOfTheSweep()
    {
        await using var k = new KubernetesSweep();
        k.Api.AddPod("default", "web-0");
        for (var i = 0; i < 5; i++) k.Dir($"gone-{i}");
        k.Api.Fail(FakeKubernetesApi.IsConsistentPodList, 500, times: 1);

        var result = await k.SweepAsync("--policy", k.Policy("  source: kubernetes\n  rechecks: \"1\""));

        Assert.Equal(1, result.ExitCode);
        Assert.Equal(5, k.ArchivesInStore);
        for (var i = 0; i < 5; i++)
        {
            Assert.True(k.Exists($"gone-{i}"), "unknown liveness protects every directory");
            Assert.Contains("liveness unknown before delete", KubernetesSweep.Reason(result, $"gone-{i}"));
        }
        Assert.Single(k.Api.Requests, FakeKubernetesApi.IsConsistentPodList);
    }

    [Fact]
    public async Task Sweep_FirstOfTwoRechecksFails_ProtectsItsDirectoriesAndDeletesTheLaterOnes()
    {
        await using var k = new KubernetesSweep();
        k.Api.AddPod("default", "web-0");
        for (var i = 0; i < 6; i++) k.Dir($"gone-{i}");
        k.Api.Fail(FakeKubernetesApi.IsConsistentPodList, 500, times: 1);

        var result = await k.SweepAsync("--policy", k.Policy("  source: kubernetes\n  rechecks: \"2\""));

        Assert.Equal(1, result.ExitCode);
        Assert.Equal(6, k.ArchivesInStore);
        var kept = Enumerable.Range(0, 6).Where(i => k.Exists($"gone-{i}")).ToList();
        Assert.InRange(kept.Count, 1, 5); // the first wave's directories, never the ones verified after it
        foreach (var i in kept) Assert.Contains("liveness unknown before delete", KubernetesSweep.Reason(result, $"gone-{i}"));
        Assert.Equal(2, k.Api.Requests.Count(r => FakeKubernetesApi.IsConsistentPodList(r) && r.Query["fieldSelector"] == "spec.nodeName=node-a"));
    }
}
