using Xunit;

namespace Archiver.Tests.Liveness;

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
        var policy = k.Policy("  source: kubernetes\n  pageSize: \"2\"");

        var result = await k.SweepAsync("--policy", policy);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.True(k.Exists("web-0") && k.Exists("pending-0") && k.Exists("zz-last"), "live pods' directories (first, middle and last page) are kept");
        Assert.False(k.Exists("job-1") || k.Exists("job-2") || k.Exists("gone-1"), "terminal and gone pods' directories are archived and deleted");
        Assert.False(k.Exists("moved-0"), "a pod bound to another node does not protect this node's hostPath directory");
        Assert.Equal(4, k.ArchivesInStore);
        Assert.Contains("pod default/web-0 is Running", KubernetesSweep.Reason(result, "web-0"));
        var lists = k.Api.Requests.Where(r => r.Path == "/api/v1/pods" && !r.Query.GetValueOrDefault("fieldSelector", "").Contains("metadata.name")).ToList();
        Assert.Equal(5, lists.Count);
        Assert.All(lists, r => Assert.Equal("spec.nodeName=node-a", r.Query["fieldSelector"]));
        Assert.Equal(4, lists.Count(r => r.Query.ContainsKey("continue")));
    }
}
