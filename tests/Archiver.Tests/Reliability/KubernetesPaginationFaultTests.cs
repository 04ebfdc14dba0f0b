using Archiver.Tests.Kubernetes;
using Archiver.Tests.Support;
using Xunit;

namespace Archiver.Tests.Reliability;

/// <summary>A page of the consistent pod list before deletes that never arrives (404, 500, no answer)
/// after the first page did: the recheck is incomplete, so nothing is deleted (the plan, from the watch
/// cache in one page, archived the gone pod's directory; the archive stays).</summary>
public sealed class KubernetesPaginationFaultTests
{
    [Theory]
    [InlineData(404)]
    [InlineData(500)]
    [InlineData(FakeKubernetesApi.Hang)]
    public async Task Sweep_SecondRecheckPageMissing_FailsClosedAndDeletesNothing(int status)
    {
        await using var k = new KubernetesSweep();
        for (var i = 0; i < 4; i++) k.Api.AddPod("default", $"web-{i}");
        k.Dir("web-3");
        k.Dir("gone-1");
        k.Api.Fail(r => r.Path == "/api/v1/pods" && r.Query.ContainsKey("continue"), status);

        var result = await k.SweepAsync("--policy", k.Policy("  source: kubernetes\n  pageSize: \"2\"\n  requestTimeout: 500ms"));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains(k.Api.Requests, FakeKubernetesApi.IsConsistentPodList);
        Assert.True(k.Exists("gone-1") && k.Exists("web-3"), "an incomplete recheck never lets a directory be deleted");
        Assert.Equal(1, k.ArchivesInStore);
        Assert.Contains("liveness unknown before delete", KubernetesSweep.Reason(result, "gone-1"));
    }
}
