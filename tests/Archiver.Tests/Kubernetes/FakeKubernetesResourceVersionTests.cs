using System.Net;
using Archiver.Tests.Support;
using Xunit;

namespace Archiver.Tests.Kubernetes;

/// <summary>The fake API reads resourceVersion and resourceVersionMatch as the API server does
/// (sources in FakeKubernetesApi.ResourceVersions.cs), so a list the server would refuse, or serve
/// from elsewhere, fails or behaves the same here.</summary>
public sealed class FakeKubernetesResourceVersionTests : IAsyncLifetime
{
    private readonly FakeKubernetesApi _api = FakeKubernetesApi.Start();
    private readonly HttpClient _http = new();

    public Task InitializeAsync()
    {
        for (var i = 0; i < 5; i++) _api.AddPod("default", $"web-{i}");
        return Task.CompletedTask;
    }

    [Theory]
    [InlineData("resourceVersionMatch=NotOlderThan", 422, "resourceVersionMatch is forbidden unless resourceVersion is provided")]
    [InlineData("resourceVersion=0&resourceVersionMatch=Exact", 422, "resourceVersionMatch \"exact\" is forbidden for resourceVersion \"0\"")]
    [InlineData("resourceVersion=5&resourceVersionMatch=Newest", 422, "supported values")]
    [InlineData("resourceVersion=0&resourceVersionMatch=NotOlderThan&continue=bzI", 422, "resourceVersionMatch is forbidden when continue is provided")]
    [InlineData("resourceVersion=5&continue=bzI", 400, "specifying resource version is not allowed when using continue")]
    public async Task List_InvalidResourceVersionCombination_IsRefused(string query, int code, string message)
    {
        var response = await _http.GetAsync($"{_api.Url}/api/v1/pods?{query}");

        Assert.Equal((HttpStatusCode)code, response.StatusCode);
        var status = System.Text.Json.Nodes.JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Contains(message, status["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task List_ResourceVersionZero_IsServedWholeFromTheCacheIgnoringLimit()
    {
        var cached = await _http.GetStringAsync($"{_api.Url}/api/v1/pods?limit=2&resourceVersion=0");
        var consistent = await _http.GetStringAsync($"{_api.Url}/api/v1/pods?limit=2");

        Assert.Equal(5, System.Text.Json.Nodes.JsonNode.Parse(cached)!["items"]!.AsArray().Count);
        Assert.DoesNotContain("\"continue\"", cached);
        Assert.Equal(2, System.Text.Json.Nodes.JsonNode.Parse(consistent)!["items"]!.AsArray().Count);
        Assert.Contains("\"continue\"", consistent);
    }

    [Fact]
    public async Task List_EmptyNodeNameSelector_ListsOnlyUnscheduledPods()
    {
        _api.AddPod("default", "pending-0", "Pending", node: "");

        var body = await _http.GetStringAsync($"{_api.Url}/api/v1/pods?fieldSelector=spec.nodeName%3D");

        var items = System.Text.Json.Nodes.JsonNode.Parse(body)!["items"]!.AsArray();
        Assert.Equal("pending-0", Assert.Single(items)!["metadata"]!["name"]!.GetValue<string>());
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _api.DisposeAsync();
    }
}
