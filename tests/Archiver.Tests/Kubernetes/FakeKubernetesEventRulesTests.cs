using System.Text.Json.Nodes;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Xunit;

namespace Archiver.Tests.Kubernetes;

/// <summary>The fake API server takes or refuses a core/v1 Event exactly as the real one does
/// (kubernetes pkg/apis/core/validation/events.go legacyValidateEvent, and the generic create checks
/// of apiserver/pkg/registry/rest), posted by the real KubernetesClient.</summary>
public sealed class FakeKubernetesEventRulesTests : RealClientAgainstFakeApi
{
    private static Corev1Event Event(string name, string ns, string kind, string? involvedNamespace, DateTime? eventTime = null) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns },
        InvolvedObject = new V1ObjectReference { ApiVersion = "v1", Kind = kind, Name = "x", NamespaceProperty = involvedNamespace },
        Reason = "Archived",
        Message = "m",
        Type = "Normal",
        EventTime = eventTime,
    };

    /// <summary>The status the server answered and, for a refusal, its Status body.</summary>
    private async Task<(int Status, JsonObject? Body)> PostAsync(Corev1Event ev, string pathNamespace)
    {
        try
        {
            await Client.CoreV1.CreateNamespacedEventAsync(ev, pathNamespace);
            return (201, null);
        }
        catch (HttpOperationException e)
        {
            return ((int)e.Response.StatusCode, JsonNode.Parse(e.Response.Content)!.AsObject());
        }
    }

    [Fact]
    public async Task NodeEventInAnAppNamespaceWithoutEventTime_Is422LikeTheServer()
    {
        var (status, body) = await PostAsync(Event("node-a.1", "archiver", "Node", null), "archiver");

        Assert.Equal(422, status);
        Assert.Equal("Invalid", body!["reason"]!.GetValue<string>());
        Assert.Equal("Event \"node-a.1\" is invalid: involvedObject.namespace: Invalid value: \"\": does not match event.namespace", body["message"]!.GetValue<string>());
        var cause = Assert.Single(body["details"]!["causes"]!.AsArray())!;
        Assert.Equal(("FieldValueInvalid", "involvedObject.namespace"), (cause["reason"]!.GetValue<string>(), cause["field"]!.GetValue<string>()));
        Assert.Empty(Api.Events);
    }

    [Theory]
    [InlineData("default", "Node", null)]
    [InlineData("archiver", "Pod", "archiver")]
    public async Task EventsTheServerAccepts_AreKept(string ns, string kind, string? involvedNamespace)
    {
        var (status, _) = await PostAsync(Event("e.1", ns, kind, involvedNamespace), ns);

        Assert.Equal(201, status);
        Assert.Equal(ns, Assert.Single(Api.Events)["metadata"]!["namespace"]!.GetValue<string>());
    }

    [Fact]
    public async Task PodEventInAnotherNamespaceThanThePod_Is422()
    {
        var (status, body) = await PostAsync(Event("e.1", "archiver", "Pod", "default"), "archiver");

        Assert.Equal(422, status);
        Assert.Contains("involvedObject.namespace: Invalid value: \"default\": does not match event.namespace", body!["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task EventTimeSet_NeedsReportingFieldsAndActionAndKubeSystemOrDefaultForANode()
    {
        var now = DateTime.UtcNow;
        var (status, body) = await PostAsync(Event("e.1", "kube-system", "Node", null, now), "kube-system");
        Assert.Equal(422, status);
        var fields = body!["details"]!["causes"]!.AsArray().Select(c => $"{c!["field"]}: {c["message"]}").ToList();
        Assert.Contains("reportingController: Required value", fields);
        Assert.Contains("reportingInstance: Required value", fields);
        Assert.Contains("action: Required value", fields);

        var complete = Event("e.2", "kube-system", "Node", null, now);
        (complete.ReportingComponent, complete.ReportingInstance, complete.Action) = ("archiver", "node-a", "Archive");
        Assert.Equal(201, (await PostAsync(complete, "kube-system")).Status);

        complete.Metadata = new V1ObjectMeta { Name = "e.3", NamespaceProperty = "archiver" };
        Assert.Equal(422, (await PostAsync(complete, "archiver")).Status);
        Assert.Single(Api.Events);
    }

    [Fact]
    public async Task BodyNamespaceNotThePathNamespace_Is400()
    {
        var (status, body) = await PostAsync(Event("e.1", "other", "Pod", "other"), "archiver");

        Assert.Equal(400, status);
        Assert.Equal("the namespace of the provided object does not match the namespace sent on the request", body!["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task NoName_Is422AndATakenName_Is409()
    {
        var (status, body) = await PostAsync(Event("", "archiver", "Pod", "archiver"), "archiver");
        Assert.Equal(422, status);
        Assert.Equal("Event \"\" is invalid: metadata.name: Required value: name or generateName is required", body!["message"]!.GetValue<string>());

        Assert.Equal(201, (await PostAsync(Event("e.1", "archiver", "Pod", "archiver"), "archiver")).Status);
        var (again, conflict) = await PostAsync(Event("e.1", "archiver", "Pod", "archiver"), "archiver");
        Assert.Equal(409, again);
        Assert.Equal("AlreadyExists", conflict!["reason"]!.GetValue<string>());
    }
}
