using Archiver.Cli;
using Archiver.Kubernetes;
using Archiver.Pipeline;
using Archiver.Policies;
using Xunit;

namespace Archiver.Tests.Kubernetes;

/// <summary>What a sweep gets from the kubernetes source: a Lease lock named after the pod that
/// runs it (from the downward API), in its own namespace, and an event sink about that pod (none
/// outside a pod).</summary>
public sealed class KubernetesSetupTests
{
    private static (Policy Policy, KubernetesSweep K) Build(string liveness)
    {
        var k = new KubernetesSweep();
        var policy = k.Context(k.Policy(liveness), new Dictionary<string, string>()).Policy;
        return (policy, k);
    }

    [Fact]
    public async Task Create_ClusterScopeInAPod_LeasesInPodNamespaceHeldByNodeAndPod()
    {
        var (policy, k) = Build("  source: kubernetes\n  scope: cluster");
        await using var _ = k;

        var env = new Dictionary<string, string> { ["POD_NAMESPACE"] = "ops", ["POD_NAME"] = "archiver-x7k2p" };
        var lease = Assert.IsType<LeaseDirectoryLock>(k.Services(policy, env.GetValueOrDefault).DirectoryLock);

        Assert.Equal("ops", lease.Namespace);
        Assert.Equal("node-a/archiver-x7k2p", lease.Holder);
    }

    [Fact]
    public async Task Create_NodeScopeInAPod_NoLeaseByDefaultButEventsAboutThatPod()
    {
        var (policy, k) = Build("  source: kubernetes");
        await using var _ = k;

        var built = k.Services(policy, KubernetesSweep.InPod.GetValueOrDefault);

        Assert.IsType<NoDirectoryLock>(built.DirectoryLock);
        var sink = Assert.IsType<KubernetesEventSink>(built.Events);
        Assert.Equal(new ArchiverPod("archiver", "archiver-x7k2p", KubernetesSweep.InPod["POD_UID"]), sink.Self);
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData("archiver", null)]
    [InlineData(null, "archiver-x7k2p")]
    public async Task Create_NoPodIdentity_NoEvents(string? podNamespace, string? podName)
    {
        var (policy, k) = Build("  source: kubernetes");
        await using var _ = k;

        var built = k.Services(policy, n => n switch { "POD_NAMESPACE" => podNamespace, "POD_NAME" => podName, _ => null });

        Assert.IsType<NoArchiveEventSink>(built.Events);
    }

    [Fact]
    public async Task Create_LeaseNamespaceOption_BeatsPodNamespaceForLeasesButNotEvents()
    {
        var (policy, k) = Build("  source: kubernetes\n  lease: \"true\"\n  leaseNamespace: storage");
        await using var _ = k;

        var env = new Dictionary<string, string> { ["POD_NAMESPACE"] = "ops", ["POD_NAME"] = "archiver-x7k2p" };
        var built = k.Services(policy, env.GetValueOrDefault);

        var lease = Assert.IsType<LeaseDirectoryLock>(built.DirectoryLock);
        Assert.Equal("storage", lease.Namespace);
        Assert.Equal("node-a/archiver-x7k2p", lease.Holder);
        Assert.Equal(new ArchiverPod("ops", "archiver-x7k2p", null), Assert.IsType<KubernetesEventSink>(built.Events).Self);
    }

    [Fact]
    public async Task Create_NoPodName_LeaseHeldByTheNode()
    {
        var (policy, k) = Build("  source: kubernetes\n  lease: \"true\"");
        await using var _ = k;

        var lease = Assert.IsType<LeaseDirectoryLock>(k.Services(policy, n => n == "POD_NAMESPACE" ? "ops" : null).DirectoryLock);

        Assert.Equal("ops", lease.Namespace);
        Assert.Equal("node-a", lease.Holder);
    }
}
