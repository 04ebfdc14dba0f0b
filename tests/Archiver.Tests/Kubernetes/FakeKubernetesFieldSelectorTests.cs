using System.Text.Json.Nodes;
using Archiver.Tests.Support;
using k8s;
using k8s.Autorest;
using Xunit;

namespace Archiver.Tests.Kubernetes;

/// <summary>The fake API server reads a pod list's fieldSelector as the real one does (kubernetes
/// apimachinery/pkg/fields/selector.go, pkg/apis/core/v1/conversion.go, pkg/registry/core/pod/strategy.go),
/// asked by the real KubernetesClient.</summary>
public sealed class FakeKubernetesFieldSelectorTests : RealClientAgainstFakeApi
{
    protected override void Seed(FakeKubernetesApi api)
    {
        api.AddPod("prod", "web-0", "Running", node: "node-a");
        api.AddPod("prod", "job-0", "Succeeded", node: "node-a");
        api.AddPod("staging", "web-0", "Running", node: "node-a");
        api.AddPod("prod", "web-1", "Running", node: "node-b");
        api.AddPod("prod", "new-0", "Pending", node: "");
    }

    private async Task<string> ListAsync(string selector)
    {
        var list = await Client.CoreV1.ListPodForAllNamespacesAsync(fieldSelector: selector);
        return string.Join(" ", list.Items.Select(p => $"{p.Metadata.NamespaceProperty}/{p.Metadata.Name}"));
    }

    [Theory]
    [InlineData("spec.nodeName=node-a", "prod/job-0 prod/web-0 staging/web-0")]
    [InlineData("spec.nodeName=node-a,metadata.namespace=prod", "prod/job-0 prod/web-0")]
    [InlineData("metadata.name==web-0,metadata.namespace!=prod", "staging/web-0")]
    [InlineData("spec.nodeName=", "prod/new-0")]
    [InlineData("spec.host=node-b", "prod/web-1")]
    [InlineData("status.phase=Running,spec.nodeName!=node-a", "prod/web-1")]
    [InlineData("metadata.name=web-0,,spec.restartPolicy=Always,spec.hostNetwork=false", "prod/web-0 staging/web-0")]
    [InlineData("metadata.name=web\\,0", "")]
    public async Task SupportedSelectors_SelectExactlyWhatTheServerWould(string selector, string expected)
    {
        Assert.Equal(expected, await ListAsync(selector));
    }

    [Theory]
    [InlineData("metadata.labels=app", "field label not supported: metadata.labels")]
    [InlineData("spec.nodeName=node-a,spec.containers=app", "field label not supported: spec.containers")]
    [InlineData("metadata.name", "invalid selector: 'metadata.name'; can't understand 'metadata.name'")]
    [InlineData("metadata.name=a=b", "invalid field selector: unescaped character in value: 61")]
    [InlineData("metadata.name=a\\b", "invalid field selector: invalid escape sequence: \\b")]
    public async Task UnsupportedOrMalformedSelectors_Are400WithTheServersMessage(string selector, string message)
    {
        var e = await Assert.ThrowsAsync<HttpOperationException>(() => ListAsync(selector));

        Assert.Equal(400, (int)e.Response.StatusCode);
        var body = JsonNode.Parse(e.Response.Content)!;
        Assert.Equal(("BadRequest", message), (body["reason"]!.GetValue<string>(), body["message"]!.GetValue<string>()));
    }
}
