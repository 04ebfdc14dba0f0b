using Archiver.Kubernetes;
using Archiver.Tests.Support;
using Xunit;

namespace Archiver.Tests.Kubernetes;

/// <summary>Leases do not pile up: a directory's Lease is deleted once its work is over (only at the
/// version this archiver holds), and leftovers older than a day are collected.</summary>
public sealed class LeaseCleanupTests
{
    private const string Shared = "  source: kubernetes\n  scope: cluster\n  leaseNamespace: archiver\n  leaseDuration: 60s";
    private static readonly Dictionary<string, string> Ours = new() { [LeaseDirectoryLock.ManagedByLabel] = "archiver", [LeaseDirectoryLock.PolicyLabel] = "k8s" };

    [Fact]
    public async Task Sweep_200Directories_LeaseCountStaysBoundedByTheWorkInProgress()
    {
        await using var k = new KubernetesSweep();
        k.Api.AddPod("default", "web-0", node: "node-b");
        for (var i = 0; i < 200; i++) k.Dir($"gone-{i}");
        var most = 0;
        k.Api.OnRequest = _ => most = Math.Max(most, k.Api.LeaseCount);

        var result = await k.SweepAsync("--policy", k.Policy(Shared));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(200, k.ArchivesInStore);
        Assert.Equal(0, k.Api.LeaseCount);
        Assert.True(most <= 200, $"at most one lease per directory being worked on, saw {most}");
        Assert.Equal(200, k.Api.Requests.Count(r => r.Method == "DELETE" && r.Path.Contains("/leases/", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Sweep_KeptOnDisk_DeletesTheLeaseToo()
    {
        await using var k = new KubernetesSweep();
        k.Dir("gone-0");

        var result = await k.SweepAsync("--policy", k.Policy(Shared + "\nafterUpload: keep"));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.True(k.Exists("gone-0"));
        Assert.Equal(0, k.Api.LeaseCount);
    }

    [Fact]
    public async Task Sweep_DirectoryNotDeleted_ReleasesTheLeaseForTheNextAttempt()
    {
        await using var k = new KubernetesSweep();
        k.Dir("back-0");
        k.Api.OnRequest = r =>
        {
            if (FakeKubernetesApi.IsConsistentPodList(r)) k.Api.AddPod("default", "back-0", node: "node-b");
        };

        var result = await k.SweepAsync("--policy", k.Policy(Shared));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.True(k.Exists("back-0"));
        var lease = k.Api.Lease("archiver", LeaseDirectoryLock.LeaseName("k8s", "back-0"))!;
        Assert.Null(lease["spec"]!["holderIdentity"]?.GetValue<string>());
    }

    [Fact]
    public async Task Sweep_Leftovers_ReleasedOrExpiredForADayAreCollectedOthersStay()
    {
        await using var k = new KubernetesSweep();
        var now = k.Now;
        k.Api.PutLease("archiver", "archiver-old-released", null, now.AddHours(-25), 60, Ours);
        k.Api.PutLease("archiver", "archiver-old-expired", "node-x", now.AddHours(-30), 60, Ours);
        k.Api.PutLease("archiver", "archiver-recent-released", null, now.AddHours(-2), 60, Ours);
        k.Api.PutLease("archiver", "archiver-held", "node-b", now.AddSeconds(-5), 60, Ours);
        k.Api.PutLease("archiver", "other-policy", null, now.AddDays(-3), 60, new Dictionary<string, string> { [LeaseDirectoryLock.ManagedByLabel] = "archiver", [LeaseDirectoryLock.PolicyLabel] = "other" });
        k.Api.PutLease("archiver", "not-ours", null, now.AddDays(-3), 60);
        k.Dir("gone-0");

        var result = await k.SweepAsync("--policy", k.Policy(Shared));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Null(k.Api.Lease("archiver", "archiver-old-released"));
        Assert.Null(k.Api.Lease("archiver", "archiver-old-expired"));
        Assert.NotNull(k.Api.Lease("archiver", "archiver-recent-released"));
        Assert.NotNull(k.Api.Lease("archiver", "archiver-held"));
        Assert.NotNull(k.Api.Lease("archiver", "other-policy")); // that policy's archivers collect it
        Assert.NotNull(k.Api.Lease("archiver", "not-ours"));
        Assert.Equal(4, k.Api.LeaseCount);
    }

    [Fact]
    public async Task Sweep_LeftoverTakenBetweenListAndDelete_StaysWithItsNewHolder()
    {
        await using var k = new KubernetesSweep();
        k.Api.PutLease("archiver", "archiver-old", null, k.Now.AddDays(-2), 60, Ours);
        k.Api.OnRequest = r =>
        {
            if (r.Method == "DELETE" && r.Path.EndsWith("/archiver-old", StringComparison.Ordinal))
                k.Api.PutLease("archiver", "archiver-old", "node-b", k.Now, 60, Ours); // a new version
        };
        k.Dir("gone-0");

        var result = await k.SweepAsync("--policy", k.Policy(Shared));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.False(k.Exists("gone-0"), "a failed collection never stops a directory");
        Assert.Equal("node-b", k.Api.Lease("archiver", "archiver-old")!["spec"]!["holderIdentity"]!.GetValue<string>());
    }
}
