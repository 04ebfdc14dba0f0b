using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using System.Web;

namespace Archiver.Tests.Support.Identity;

/// <summary>
/// The Azure Instance Metadata Service's managed identity token endpoint, on loopback, enforcing what
/// Microsoft documents (https://learn.microsoft.com/entra/identity/managed-identities-azure-resources/how-to-use-vm-token,
/// "Get a token using HTTP" and "Error handling"): GET <c>/metadata/identity/oauth2/token</c>; the
/// <c>Metadata: true</c> header is required (400 otherwise: it guards against SSRF); <c>api-version</c>
/// and <c>resource</c> are required (400 invalid_request); <c>client_id</c> must name an identity
/// assigned to the VM (400 "Identity not found"). The answer carries <c>access_token</c>,
/// <c>expires_in</c> and <c>expires_on</c> as strings (seconds), <c>resource</c> and
/// <c>token_type</c>. Tokens are JWTs Azurite's <c>--oauth basic</c> accepts.
/// </summary>
public sealed class AzureImdsStandIn : IAsyncDisposable
{
    private readonly RecordingHttpServer _server;

    public AzureImdsStandIn(string tenantId, string assignedClientId)
    {
        TenantId = tenantId;
        AssignedClientId = assignedClientId;
        _server = new RecordingHttpServer(Answer);
    }

    public string TenantId { get; }
    public string AssignedClientId { get; }

    /// <summary>What <c>AZURE_POD_IDENTITY_AUTHORITY_HOST</c> is set to.</summary>
    public string Host => $"http://127.0.0.1:{_server.Port}";

    public ConcurrentQueue<string> Issued { get; } = new();

    public ConcurrentQueue<string> Refused { get; } = new();

    private Reply Answer(RecordedHttpRequest request)
    {
        if (request.Method != "GET" || request.Path != "/metadata/identity/oauth2/token") return Refuse(404, "not_found", "no such endpoint");
        if (!request.Headers.TryGetValue("Metadata", out var metadata) || metadata != "true")
            return Refuse(400, "invalid_request", "Required metadata header not specified");
        var query = HttpUtility.ParseQueryString(request.Query);
        if (string.IsNullOrEmpty(query["api-version"])) return Refuse(400, "invalid_request", "Required query variable 'api-version' is missing");
        if (query["resource"] != "https://storage.azure.com/") return Refuse(400, "invalid_resource", $"AADSTS500011: The resource principal named {query["resource"]} was not found");
        if (query["client_id"] is { } id && id != AssignedClientId) return Refuse(400, "invalid_request", "Identity not found");
        var now = DateTimeOffset.UtcNow;
        var expires = now.AddHours(1);
        var token = EntraAccessToken.Create(TenantId, AssignedClientId, "https://storage.azure.com/", now, expires);
        Issued.Enqueue(token);
        return new Reply(200, new JsonObject
        {
            ["access_token"] = token,
            ["client_id"] = AssignedClientId,
            ["expires_in"] = "3599",
            ["expires_on"] = expires.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["ext_expires_in"] = "3599",
            ["not_before"] = now.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["resource"] = "https://storage.azure.com/",
            ["token_type"] = "Bearer",
        }.ToJsonString(), new Dictionary<string, string> { ["Content-Type"] = "application/json; charset=utf-8" });
    }

    private Reply Refuse(int status, string error, string description)
    {
        Refused.Enqueue($"{error}: {description}");
        return new Reply(status, new JsonObject { ["error"] = error, ["error_description"] = description }.ToJsonString(),
            new Dictionary<string, string> { ["Content-Type"] = "application/json; charset=utf-8" });
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}
