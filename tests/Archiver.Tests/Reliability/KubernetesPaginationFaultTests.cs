using Archiver.Tests.Liveness;
using Archiver.Tests.Support;
using Xunit;

namespace Archiver.Tests.Reliability;

/// <summary>A page of the pod list that never arrives (404, 500, no answer) after the first page
/// did: the list is incomplete, so no pod counts as gone and nothing is archived or deleted.</summary>
public sealed class KubernetesPaginationFaultTests
{
    [Theory]
    [InlineData(404)]
    [InlineData(500)]
    [InlineData(FakeKubernetesApi.Hang)]
    public async Task Sweep_SecondPageMissing_FailsClosedAndArchivesNothing(int status)
    {
        await using var k = new KubernetesSweep();
        for (var i = 0; i < 4; i++) k.Api.AddPod("default", $"web-{i}");
        k.Dir("web-3");
        k.Dir("gone-1");
        k.Api.Fail(r => r.Path == "/api/v1/pods" && r.Query.ContainsKey("continue"), status);

        var result = await k.SweepAsync("--policy", k.Policy("  source: kubernetes\n  pageSize: \"2\"\n  requestTimeout: 500ms"));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains(k.Api.Requests, r => r.Path == "/api/v1/pods" && !r.Query.ContainsKey("continue"));
        Assert.True(k.Exists("gone-1") && k.Exists("web-3"), "an incomplete pod list never makes a pod 'gone'");
        Assert.Equal(0, k.ArchivesInStore);
        Assert.StartsWith("liveness unknown", KubernetesSweep.Reason(result, "gone-1"));
    }
}
