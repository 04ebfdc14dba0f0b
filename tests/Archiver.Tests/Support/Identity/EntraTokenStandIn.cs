using System.Collections.Concurrent;
using System.Text;
using System.Text.Json.Nodes;
using System.Web;

namespace Archiver.Tests.Support.Identity;

/// <summary>
/// Microsoft Entra ID's token endpoint for one tenant, for the Workload Identity (federated credential)
/// form of the client credentials flow, on loopback. It answers as Entra ID does and enforces what
/// Entra ID documents; each rule names its source:
/// <list type="bullet">
/// <item>[flow] https://learn.microsoft.com/entra/identity-platform/v2-oauth2-client-creds-grant-flow,
/// "Third case: Access token request with a federated credential": POST
/// <c>/{tenant}/oauth2/v2.0/token</c>, form-encoded; <c>client_id</c>, <c>scope</c>,
/// <c>client_assertion_type</c> (must be <c>urn:ietf:params:oauth:client-assertion-type:jwt-bearer</c>),
/// <c>client_assertion</c> and <c>grant_type=client_credentials</c> are required; the scope is the
/// resource's <c>/.default</c>. Success: <c>token_type</c>, <c>expires_in</c>, <c>access_token</c>.</item>
/// <item>[errors] https://learn.microsoft.com/entra/identity-platform/reference-error-codes:
/// AADSTS900144 (a required parameter missing), AADSTS700016 (no such application in the tenant),
/// AADSTS700024 (client assertion not within its valid time range), AADSTS700211 (no federated
/// identity record for the assertion's issuer), AADSTS700212 (... for its audience), AADSTS70021 (...
/// matching the assertion's subject), AADSTS1002012 (a client-credentials scope without /.default),
/// AADSTS90002 (tenant not found).</item>
/// <item>[federation] https://learn.microsoft.com/entra/workload-id/workload-identity-federation-create-trust:
/// a federated credential is issuer + subject + audience, the audience recommended and used by AKS
/// being <c>api://AzureADTokenExchange</c>.</item>
/// </list>
/// Access tokens are JWTs Azurite's <c>--oauth basic</c> accepts (issuer <c>https://sts.windows.net/{tenant}/</c>,
/// audience <c>https://storage.azure.com</c>, nbf/exp), valid for <see cref="AccessTokenLifetime"/>.
/// </summary>
public sealed class EntraTokenStandIn : IAsyncDisposable
{
    public const string FederationAudience = "api://AzureADTokenExchange";
    public const string Issuer = "https://eastus.oic.prod-aks.azure.com/00000000-0000-0000-0000-00000000cafe/11111111-2222-3333-4444-555555555555/";
    public const string Subject = "system:serviceaccount:archiver:archiver";

    private readonly RecordingHttpServer _server;

    public EntraTokenStandIn(string tenantId, string clientId, TimeSpan accessTokenLifetime)
    {
        TenantId = tenantId;
        ClientId = clientId;
        AccessTokenLifetime = accessTokenLifetime;
        _server = new RecordingHttpServer(Answer);
    }

    public string TenantId { get; }
    public string ClientId { get; }
    public TimeSpan AccessTokenLifetime { get; }

    /// <summary>What <c>AZURE_AUTHORITY_HOST</c> is set to.</summary>
    public string AuthorityHost => $"http://127.0.0.1:{_server.Port}/";

    /// <summary>Access tokens issued: when, until when, and the assertion they were issued for.</summary>
    public ConcurrentQueue<(DateTimeOffset IssuedAt, DateTimeOffset ExpiresOn, string Assertion)> Issued { get; } = new();

    /// <summary>Refusals: (error, AADSTS code and description).</summary>
    public ConcurrentQueue<(string Error, string Description)> Refused { get; } = new();

    /// <summary>A service-account token as AKS projects it for Workload Identity.</summary>
    public static string ServiceAccountToken(DateTimeOffset now, TimeSpan lifetime, string audience = FederationAudience) =>
        Identity.ServiceAccountToken.Create(audience, now, lifetime, Issuer);

    private Reply Answer(RecordedHttpRequest request)
    {
        // [flow] the tenant's v2.0 token endpoint, POST.
        if (request.Method != "POST" || request.Path != $"/{TenantId}/oauth2/v2.0/token")
            return Refuse(400, "invalid_request", "AADSTS90002: Tenant not found or wrong endpoint.");
        var form = HttpUtility.ParseQueryString(Encoding.UTF8.GetString(request.Body));
        // [flow] + [errors] AADSTS900144: every parameter of the request is required.
        foreach (var name in new[] { "client_id", "scope", "grant_type", "client_assertion_type", "client_assertion" })
            if (string.IsNullOrEmpty(form[name]))
                return Refuse(400, "invalid_request", $"AADSTS900144: The request body must contain the following parameter: '{name}'.");
        if (form["grant_type"] != "client_credentials")
            return Refuse(400, "unsupported_grant_type", "AADSTS70003: The app requested an unsupported grant type.");
        // [flow] the one assertion type Entra ID takes.
        if (form["client_assertion_type"] != "urn:ietf:params:oauth:client-assertion-type:jwt-bearer")
            return Refuse(400, "invalid_request", "AADSTS50027: Invalid client_assertion_type; it must be urn:ietf:params:oauth:client-assertion-type:jwt-bearer.");
        // [errors] AADSTS700016: the application must exist in the tenant.
        if (form["client_id"] != ClientId)
            return Refuse(400, "unauthorized_client", $"AADSTS700016: Application with identifier '{form["client_id"]}' was not found in the directory '{TenantId}'.");
        // [flow] + [errors] AADSTS1002012: client credentials need RESOURCE/.default.
        if (form["scope"] != "https://storage.azure.com/.default")
            return Refuse(400, "invalid_scope", $"AADSTS1002012: The provided value for scope {form["scope"]} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier.");
        var assertion = form["client_assertion"]!;
        if (Support.Identity.ServiceAccountToken.Claims(assertion) is not { } claims)
            return Refuse(401, "invalid_client", "AADSTS50027: JWT token is invalid or malformed.");
        var now = DateTimeOffset.UtcNow;
        // [errors] AADSTS700024: the assertion's exp must be in the future (and nbf in the past).
        if (Support.Identity.ServiceAccountToken.Expiry(claims) is not { } exp || exp <= now
            || claims.TryGetProperty("nbf", out var nbf) && DateTimeOffset.FromUnixTimeSeconds(nbf.GetInt64()) > now + TimeSpan.FromMinutes(5))
            return Refuse(401, "invalid_client", "AADSTS700024: Client assertion is not within its valid time range.");
        // [federation] + [errors] the federated credential: issuer, audience, subject, in that order.
        if (!claims.TryGetProperty("iss", out var iss) || iss.GetString() != Issuer)
            return Refuse(401, "invalid_client", $"AADSTS700211: No matching federated identity record found for presented assertion issuer '{(claims.TryGetProperty("iss", out var i) ? i.GetString() : "")}'.");
        if (!Support.Identity.ServiceAccountToken.HasAudience(claims, FederationAudience))
            return Refuse(401, "invalid_client", "AADSTS700212: No matching federated identity record found for presented assertion audience.");
        if (!claims.TryGetProperty("sub", out var sub) || sub.GetString() != Subject)
            return Refuse(401, "invalid_client", "AADSTS70021: No matching federated identity record found for presented assertion.");

        var expires = now + AccessTokenLifetime;
        Issued.Enqueue((now, expires, assertion));
        var token = EntraAccessToken.Create(TenantId, ClientId, "https://storage.azure.com", now, expires);
        return new Reply(200, new JsonObject
        {
            ["token_type"] = "Bearer",
            ["expires_in"] = (long)AccessTokenLifetime.TotalSeconds,
            ["ext_expires_in"] = (long)AccessTokenLifetime.TotalSeconds,
            ["access_token"] = token,
        }.ToJsonString(), new Dictionary<string, string> { ["Content-Type"] = "application/json; charset=utf-8" });
    }

    private Reply Refuse(int status, string error, string description)
    {
        Refused.Enqueue((error, description));
        return new Reply(status, new JsonObject { ["error"] = error, ["error_description"] = description, ["error_codes"] = new JsonArray() }.ToJsonString(),
            new Dictionary<string, string> { ["Content-Type"] = "application/json; charset=utf-8" });
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}
