using Xunit;

namespace Archiver.Tests.Liveness;

/// <summary>An <c>Archived</c> event on the node per archived directory; a failed event never fails the archive.</summary>
public sealed class KubernetesEventTests
{
    [Fact]
    public async Task Sweep_ArchivedDirectories_RecordOneArchivedEventEachOnTheNode()
    {
        await using var k = new KubernetesSweep();
        k.Api.AddPod("default", "web-0");
        k.Dir("web-0");
        k.Dir("gone-1");
        k.Dir("gone-2");

        var result = await k.SweepAsync();

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(2, k.Api.Events.Count);
        var ev = k.Api.Events.Single(e => e["message"]!.GetValue<string>().Contains("gone-1", StringComparison.Ordinal));
        Assert.Equal("Archived", ev["reason"]!.GetValue<string>());
        Assert.Equal("Normal", ev["type"]!.GetValue<string>());
        Assert.Equal("Node", ev["involvedObject"]!["kind"]!.GetValue<string>());
        Assert.Equal("node-a", ev["involvedObject"]!["name"]!.GetValue<string>());
        Assert.Equal("archiver", ev["metadata"]!["namespace"]!.GetValue<string>());
        var key = KubernetesSweep.Outcome(result, "gone-1").GetProperty("key").GetString()!;
        var bytesIn = KubernetesSweep.Outcome(result, "gone-1").GetProperty("bytesIn").GetInt64();
        Assert.Contains(key, ev["message"]!.GetValue<string>());
        Assert.Contains($"{bytesIn} bytes in", ev["message"]!.GetValue<string>());
        Assert.Contains(k.Api.Requests, r => r.Method == "POST" && r.Path == "/api/v1/namespaces/archiver/events");
    }

    [Fact]
    public async Task Sweep_EventApiFails_ArchiveStillSucceeds()
    {
        await using var k = new KubernetesSweep();
        k.Api.AddPod("default", "web-0");
        k.Dir("gone-1");
        k.Api.Fail(r => r.Path.EndsWith("/events", StringComparison.Ordinal), 403);

        var result = await k.SweepAsync();

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.False(k.Exists("gone-1"), "the directory is archived and deleted even though the event could not be recorded");
        Assert.Equal(1, k.ArchivesInStore);
        Assert.True(KubernetesSweep.Outcome(result, "gone-1").GetProperty("deleted").GetBoolean());
    }

    [Fact]
    public async Task Sweep_EventsOff_RecordsNone()
    {
        await using var k = new KubernetesSweep();
        k.Api.AddPod("default", "web-0");
        k.Dir("gone-1");

        var result = await k.SweepAsync("--policy", k.Policy("  source: kubernetes\n  events: \"false\""));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.False(k.Exists("gone-1"));
        Assert.Empty(k.Api.Events);
    }
}
