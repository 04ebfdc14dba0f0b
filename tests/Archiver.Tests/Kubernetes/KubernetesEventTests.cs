using Xunit;

namespace Archiver.Tests.Kubernetes;

/// <summary>One <c>Archived</c> event per archived directory, about the archiver's own pod in its
/// namespace, accepted by a fake API server that validates events by the real server's rules; a
/// failed event never fails the archive; outside a pod there are none.</summary>
public sealed class KubernetesEventTests
{
    private static bool IsEventPost(Support.RecordedRequest r) => r.Method == "POST" && r.Path.EndsWith("/events", StringComparison.Ordinal);

    [Fact]
    public async Task Sweep_InAPod_RecordsOneAcceptedArchivedEventPerDirectoryAboutThePod()
    {
        await using var k = new KubernetesSweep();
        k.Api.AddPod("default", "web-0");
        k.Dir("web-0");
        k.Dir("gone-1");
        k.Dir("gone-2");

        var outcomes = await k.SweepInPodAsync(k.Policy("  source: kubernetes"), KubernetesSweep.InPod);

        Assert.Equal(2, outcomes.Count(o => o.Deleted));
        Assert.Equal(2, k.Api.Requests.Count(IsEventPost));
        Assert.Equal(2, k.Api.Events.Count);
        Assert.All(k.Api.Requests.Where(IsEventPost), r => Assert.Equal("/api/v1/namespaces/archiver/events", r.Path));
        var gone1 = outcomes.Single(o => o.Dir == "gone-1");
        var ev = k.Api.Events.Single(e => e["message"]!.GetValue<string>().Contains("gone-1", StringComparison.Ordinal));
        Assert.Equal("Archived", ev["reason"]!.GetValue<string>());
        Assert.Equal("Normal", ev["type"]!.GetValue<string>());
        // What `kubectl -n archiver get events` lists and `kubectl describe pod` selects on.
        Assert.Equal("archiver", ev["metadata"]!["namespace"]!.GetValue<string>());
        var involved = ev["involvedObject"]!;
        Assert.Equal(("Pod", "archiver", "archiver-x7k2p", KubernetesSweep.InPod["POD_UID"]),
            (involved["kind"]!.GetValue<string>(), involved["namespace"]!.GetValue<string>(), involved["name"]!.GetValue<string>(), involved["uid"]!.GetValue<string>()));
        var message = ev["message"]!.GetValue<string>();
        Assert.Contains(gone1.Key!, message);
        Assert.Contains($"{gone1.BytesIn} bytes in", message);
        Assert.Contains("on node node-a", message);
        Assert.Equal("node-a", ev["source"]!["host"]!.GetValue<string>());
    }

    [Fact]
    public async Task Sweep_EventApiFails_ArchiveStillSucceeds()
    {
        await using var k = new KubernetesSweep();
        k.Api.AddPod("default", "web-0");
        k.Dir("gone-1");
        k.Api.Fail(IsEventPost, 403);

        var outcomes = await k.SweepInPodAsync(k.Policy("  source: kubernetes"), KubernetesSweep.InPod);

        Assert.Contains(k.Api.Requests, IsEventPost);
        Assert.False(k.Exists("gone-1"), "the directory is archived and deleted even though the event could not be recorded");
        Assert.Equal(1, k.ArchivesInStore);
        Assert.True(outcomes.Single(o => o.Dir == "gone-1").Deleted);
    }

    [Fact]
    public async Task Sweep_EventsOff_RecordsNone()
    {
        await using var k = new KubernetesSweep();
        k.Api.AddPod("default", "web-0");
        k.Dir("gone-1");

        await k.SweepInPodAsync(k.Policy("  source: kubernetes\n  events: \"false\""), KubernetesSweep.InPod);

        Assert.False(k.Exists("gone-1"));
        Assert.DoesNotContain(k.Api.Requests, IsEventPost);
    }

    [Fact]
    public async Task Sweep_OutsideAPod_RecordsNoneAndStillArchives()
    {
        await using var k = new KubernetesSweep();
        k.Api.AddPod("default", "web-0");
        k.Dir("gone-1");

        var outcomes = await k.SweepInPodAsync(k.Policy("  source: kubernetes"), new Dictionary<string, string>());

        Assert.True(outcomes.Single(o => o.Dir == "gone-1").Deleted);
        Assert.DoesNotContain(k.Api.Requests, IsEventPost);
    }
}
