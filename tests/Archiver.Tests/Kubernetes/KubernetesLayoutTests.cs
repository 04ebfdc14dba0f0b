using Xunit;

namespace Archiver.Tests.Kubernetes;

/// <summary>Directory layouts against the Kubernetes source: the hostPath <c>{pod}</c> layout with
/// incarnation suffixes, and the shared-volume layout (template and regex) in cluster scope.</summary>
public sealed class KubernetesLayoutTests
{
    private const string SharedLayout = "{namespace}_{pod}_{podip}_{nodeip}_{node}";
    private const string ClusterNoLease = "  source: kubernetes\n  scope: cluster\n  lease: \"false\"";

    [Fact]
    public async Task Sweep_IncarnationSuffix_KeepsOnlyTheLivePodsNewestDirectory()
    {
        await using var k = new KubernetesSweep();
        k.Api.AddPod("default", "web-0");
        k.Dir("web-0");
        k.Dir("web-0-1700000000");
        k.Dir("job-1-1700000000");

        var result = await k.SweepAsync();

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.True(k.Exists("web-0-1700000000"), "the newest incarnation of a live pod is protected");
        Assert.False(k.Exists("web-0"), "an older incarnation of a live pod is archived");
        Assert.False(k.Exists("job-1-1700000000"), "a gone pod's suffixed directory is archived");
    }

    [Fact]
    public async Task Sweep_SharedLayoutInClusterScope_MatchesNamespaceAndNameAndKeysByCapturedFields()
    {
        await using var k = new KubernetesSweep();
        k.Api.AddPod("prod", "web-0", "Running", node: "node-b");
        k.Api.AddPod("staging", "web-0", "Succeeded", node: "node-c");
        k.Dir("prod_web-0_10.0.0.1_192.168.1.2_node-b");
        k.Dir("staging_web-0_10.0.0.2_192.168.1.3_node-c");
        k.Dir("scratch");
        var policy = k.Policy(ClusterNoLease, SharedLayout, key: "{cluster}/{node}/{namespace}/{pod}/{podip}/{dir}-{timestamp}.tar.gz");

        var result = await k.SweepAsync("--policy", policy);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.True(k.Exists("prod_web-0_10.0.0.1_192.168.1.2_node-b"), "prod/web-0 is Running");
        Assert.False(k.Exists("staging_web-0_10.0.0.2_192.168.1.3_node-c"), "staging/web-0 Succeeded: same name, other namespace");
        Assert.True(k.Exists("scratch"), "a name that does not fit the layout is never archived");
        Assert.Contains("does not match layout", KubernetesSweep.Reason(result, "scratch"));
        var archive = Assert.Single(Directory.EnumerateFiles(k.Store, "*.tar.gz", SearchOption.AllDirectories));
        Assert.Contains("/default/node-c/staging/web-0/10.0.0.2/staging_web-0_10.0.0.2_192.168.1.3_node-c-", archive);
        var clusterLists = k.Api.Requests.Where(r => r.Path == "/api/v1/pods").ToList();
        Assert.NotEmpty(clusterLists);
        Assert.All(clusterLists, r => Assert.False(r.Query.ContainsKey("fieldSelector")));
        // The recheck before the delete reads only the namespace concerned, consistently.
        Assert.Contains(k.Api.Requests, r => r.Path == "/api/v1/namespaces/staging/pods" && Support.FakeKubernetesApi.IsConsistentPodList(r));
    }

    [Fact]
    public async Task Sweep_RegexLayout_PodBackBeforeDelete_NamespaceRecheckKeepsIt()
    {
        await using var k = new KubernetesSweep();
        k.Api.AddPod("kube-system", "coredns-1", node: "node-b");
        k.Dir("team-a.back-0");
        k.Dir("team-a.gone-0");
        k.Api.OnRequest = r =>
        {
            if (r.Path == "/api/v1/namespaces/team-a/pods" && Support.FakeKubernetesApi.IsConsistentPodList(r)) k.Api.AddPod("team-a", "back-0", "Pending", node: "node-d");
        };
        var policy = k.Policy(ClusterNoLease, "^(?<namespace>[a-z0-9-]+)[.](?<pod>[a-z0-9-]+)$");

        var result = await k.SweepAsync("--policy", policy);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.True(k.Exists("team-a.back-0"), "a pod that exists again (Pending) at the last check keeps its directory");
        Assert.Contains("team-a/back-0 is Pending again", KubernetesSweep.Reason(result, "team-a.back-0"));
        Assert.False(k.Exists("team-a.gone-0"));
    }

    [Fact]
    public async Task Sweep_IncarnationsPodComesBackBeforeDelete_KeepsTheDirectory()
    {
        await using var k = new KubernetesSweep();
        k.Api.AddPod("default", "web-0");
        k.Dir("job-0-1700000000");
        k.Api.OnRequest = r =>
        {
            if (Support.FakeKubernetesApi.IsConsistentPodList(r)) k.Api.AddPod("default", "job-0", "Running");
        };

        var result = await k.SweepAsync();

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.True(k.Exists("job-0-1700000000"), "the pod the suffixed directory belongs to (job-0) is checked before delete");
        Assert.Contains("job-0 is Running again; not deleted", KubernetesSweep.Reason(result, "job-0-1700000000"));
    }

    [Theory]
    [InlineData("{pod}")]
    [InlineData(SharedLayout)]
    public async Task Sweep_NamesThatAreNotKubernetesNames_AreNeverArchived(string layout)
    {
        await using var k = new KubernetesSweep();
        k.Api.AddPod("default", "web-0");
        foreach (var d in new[] { "lost+found", "Backup_Old", "-tmp", "ns_UPPER_1.2.3.4_5.6.7.8_node-a" }) k.Dir(d);

        var result = await k.SweepAsync("--policy", k.Policy("  source: kubernetes", layout));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.True(k.Exists("lost+found") && k.Exists("Backup_Old") && k.Exists("-tmp") && k.Exists("ns_UPPER_1.2.3.4_5.6.7.8_node-a"));
        Assert.Equal(0, k.ArchivesInStore);
        Assert.Contains("does not match layout", KubernetesSweep.Reason(result, "lost+found"));
    }
}
