using Archiver.Kubernetes;
using Xunit;

namespace Archiver.Tests.Kubernetes;

/// <summary>Shared volumes: one Lease per directory, so only one archiver handles it at a time.</summary>
public sealed class KubernetesLeaseTests
{
    private const string Shared = "  source: kubernetes\n  scope: cluster\n  leaseNamespace: archiver\n  leaseDuration: 60s";
    private const string Dir = "gone-0";
    private static readonly string Lease = LeaseDirectoryLock.LeaseName("k8s", Dir);

    private static async Task<KubernetesSweep> SetupAsync()
    {
        var k = new KubernetesSweep();
        k.Api.AddPod("default", "web-0", node: "node-b");
        k.Dir(Dir);
        await Task.CompletedTask;
        return k;
    }

    [Fact]
    public async Task Sweep_FreeDirectory_CreatesLeaseArchivesAndDeletesIt()
    {
        await using var k = await SetupAsync();

        var result = await k.SweepAsync("--policy", k.Policy(Shared));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.False(k.Exists(Dir));
        Assert.Null(k.Api.Lease("archiver", Lease)); // the work is over: nothing left behind
        var leaseCalls = k.Api.Requests.Where(r => r.Path.StartsWith("/apis/coordination.k8s.io/v1/namespaces/archiver/leases", StringComparison.Ordinal)).ToList();
        Assert.Equal(["GET", "GET", "POST", "DELETE"], leaseCalls.Select(r => r.Method));
        Assert.Equal("app.kubernetes.io/managed-by=archiver,archiver.io/policy=k8s", leaseCalls[0].Query["labelSelector"]); // leftovers, from the cache
        Assert.Equal("0", leaseCalls[0].Query["resourceVersion"]);
        var created = leaseCalls.Single(r => r.Method == "POST");
        Assert.Contains("\"holderIdentity\":\"node-a\"", created.Body);
        Assert.Contains(Dir, created.Body); // the directory annotation
        Assert.Contains("\"preconditions\":{\"resourceVersion\":", leaseCalls.Single(r => r.Method == "DELETE").Body);
    }

    [Fact]
    public async Task Sweep_LeaseHeldByAnotherArchiver_SkipsTheDirectory()
    {
        await using var k = await SetupAsync();
        k.Api.PutLease("archiver", Lease, "node-b", k.Now.AddSeconds(-10), 60);

        var result = await k.SweepAsync("--policy", k.Policy(Shared));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.True(k.Exists(Dir), "another archiver holds the directory");
        Assert.Equal(0, k.ArchivesInStore);
        Assert.Contains("locked by node-b", KubernetesSweep.Reason(result, Dir));
        Assert.Equal("skip", KubernetesSweep.Outcome(result, Dir).GetProperty("decision").GetString());
        Assert.Equal("node-b", k.Api.Lease("archiver", Lease)!["spec"]!["holderIdentity"]!.GetValue<string>());
    }

    [Fact]
    public async Task Sweep_CrashedHoldersLeaseExpired_TakesOverAndArchives()
    {
        await using var k = await SetupAsync();
        k.Api.PutLease("archiver", Lease, "node-b", k.Now.AddSeconds(-61), 60);

        var result = await k.SweepAsync("--policy", k.Policy(Shared));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.False(k.Exists(Dir), "an expired lease is taken over");
        var takeOver = k.Api.Requests.First(r => r.Method == "PUT" && r.Path.EndsWith(Lease, StringComparison.Ordinal));
        Assert.Contains("\"holderIdentity\":\"node-a\"", takeOver.Body);
        Assert.Contains("\"leaseTransitions\":1", takeOver.Body);
    }

    [Fact]
    public async Task Sweep_LeaseCreatedByAnotherArchiverAtTheSameMoment_SkipsTheDirectory()
    {
        await using var k = await SetupAsync();
        k.Api.OnRequest = r =>
        {
            if (r.Method == "POST" && r.Path.Contains("/leases", StringComparison.Ordinal))
                k.Api.PutLease("archiver", Lease, "node-b", k.Now, 60);
        };

        var result = await k.SweepAsync("--policy", k.Policy(Shared));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.True(k.Exists(Dir));
        Assert.Contains("taken by another archiver", KubernetesSweep.Reason(result, Dir));
    }

    [Fact]
    public async Task Sweep_LeaseApiForbidden_FailsTheDirectoryAndTouchesNothing()
    {
        await using var k = await SetupAsync();
        k.Api.Fail(r => r.Path.Contains("/leases", StringComparison.Ordinal), 403);

        var result = await k.SweepAsync("--policy", k.Policy(Shared));

        Assert.Equal(1, result.ExitCode);
        Assert.True(k.Exists(Dir));
        Assert.Equal(0, k.ArchivesInStore);
        Assert.Contains("missing RBAC permission leases get", KubernetesSweep.Outcome(result, Dir).GetProperty("error").GetString());
    }

    [Fact]
    public async Task Sweep_LeaseLostWhileWorking_StopsAndDeletesNothing()
    {
        await using var k = await SetupAsync();
        var recheck = Support.FakeKubernetesApi.IsConsistentPodList;
        k.Api.Fail(r => recheck(r), Support.FakeKubernetesApi.Hang);
        k.Api.OnRequest = r =>
        {
            if (!recheck(r)) return;
            // Another archiver takes the lease over; our next renewal (due after 20s) finds out.
            k.Api.PutLease("archiver", Lease, "node-b", k.Now, 60);
            k.Clock.Advance(TimeSpan.FromSeconds(20));
        };

        var result = await k.SweepAsync("--policy", k.Policy(Shared + "\n  requestTimeout: 2s"));

        Assert.Equal(1, result.ExitCode);
        Assert.True(k.Exists(Dir), "a directory whose lease was lost is never deleted");
        Assert.Contains("lost the lock", KubernetesSweep.Outcome(result, Dir).GetProperty("error").GetString());
        Assert.Equal("node-b", k.Api.Lease("archiver", Lease)!["spec"]!["holderIdentity"]!.GetValue<string>());
    }
}
