using Archiver.Cli;
using Archiver.Liveness.Kubernetes;
using Archiver.Pipeline;
using Archiver.Policies;
using Xunit;

namespace Archiver.Tests.Liveness;

/// <summary>What a sweep gets from the kubernetes source: a Lease lock named after the pod that
/// runs it (from the downward API), in its own namespace, and an event sink.</summary>
public sealed class KubernetesSetupTests
{
    private static async Task<(SweepContext Ctx, KubernetesSweep K)> BuildAsync(string liveness)
    {
        var k = new KubernetesSweep();
        var args = new ArgParser(["--policy", k.Policy(liveness), "--kubeconfig", k.Kubeconfig, "--node", "node-a"], SweepSetup.ValueOptions, []);
        var ctx = SweepSetup.Build(SweepSetup.LoadPolicy(args), args, k.Clock);
        await Task.CompletedTask;
        return (ctx, k);
    }

    [Fact]
    public async Task AddClusterServices_ClusterScopeInAPod_LeasesInPodNamespaceHeldByNodeAndPod()
    {
        var (ctx, k) = await BuildAsync("  source: kubernetes\n  scope: cluster");
        await using var _ = k;

        var env = new Dictionary<string, string> { ["POD_NAMESPACE"] = "ops", ["POD_NAME"] = "archiver-x7k2p" };
        var lease = Assert.IsType<LeaseDirectoryLock>(KubernetesSetup.AddClusterServices(ctx, env.GetValueOrDefault).DirectoryLock);

        Assert.Equal("ops", lease.Namespace);
        Assert.Equal("node-a/archiver-x7k2p", lease.Holder);
    }

    [Fact]
    public async Task AddClusterServices_NodeScope_NoLeaseByDefaultButEvents()
    {
        var (ctx, k) = await BuildAsync("  source: kubernetes");
        await using var _ = k;

        var built = KubernetesSetup.AddClusterServices(ctx, _ => null);

        Assert.IsType<NoDirectoryLock>(built.DirectoryLock);
        Assert.IsType<KubernetesEventSink>(built.Events);
    }

    [Fact]
    public async Task AddClusterServices_LeaseNamespaceOption_BeatsPodNamespace()
    {
        var (ctx, k) = await BuildAsync("  source: kubernetes\n  lease: \"true\"\n  leaseNamespace: storage");
        await using var _ = k;

        var lease = Assert.IsType<LeaseDirectoryLock>(KubernetesSetup.AddClusterServices(ctx, n => n == "POD_NAMESPACE" ? "ops" : null).DirectoryLock);

        Assert.Equal("storage", lease.Namespace);
        Assert.Equal("node-a", lease.Holder);
    }
}
