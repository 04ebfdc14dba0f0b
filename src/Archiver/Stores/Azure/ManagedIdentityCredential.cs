using Azure.Core;
using Serilog;

namespace Archiver.Stores.Azure;

/// <summary>
/// Microsoft Entra ID access tokens from the node's managed identity, through the Azure Instance
/// Metadata Service (https://learn.microsoft.com/entra/identity/managed-identities-azure-resources/how-to-use-vm-token,
/// "Get a token using HTTP"): GET <c>http://169.254.169.254/metadata/identity/oauth2/token</c> with
/// <c>api-version=2018-02-01</c>, <c>resource=https://storage.azure.com/</c> and, for a user-assigned
/// identity (AKS's kubelet identity), <c>client_id</c>; header <c>Metadata: true</c>. Tokens are kept
/// and refreshed by Azure.Core's bearer-token policy, as for <see cref="WorkloadIdentityCredential"/>.
/// <c>AZURE_POD_IDENTITY_AUTHORITY_HOST</c> (as Azure.Identity reads it) replaces the IMDS address.
/// </summary>
public sealed class ManagedIdentityCredential(string? clientId, HttpClient? http = null, Uri? endpoint = null) : TokenCredential
{
    public static readonly Uri ImdsEndpoint = new("http://169.254.169.254/metadata/identity/oauth2/token");
    public const string AuthorityHostVariable = "AZURE_POD_IDENTITY_AUTHORITY_HOST";

    /// <summary>The token endpoint under <c>AZURE_POD_IDENTITY_AUTHORITY_HOST</c>, or IMDS's.</summary>
    public static Uri EndpointFrom(Func<string, string?> environment) =>
        environment(AuthorityHostVariable) is { Length: > 0 } host ? new Uri(host.TrimEnd('/') + ImdsEndpoint.AbsolutePath) : ImdsEndpoint;
    private const int Attempts = 3;
    private static readonly ILogger Log = Serilog.Log.ForContext<ManagedIdentityCredential>();
    private readonly HttpClient _http = http ?? TokenHttp.Shared;
    private readonly Uri _endpoint = endpoint ?? ImdsEndpoint;

    public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
        GetTokenAsync(requestContext, cancellationToken).AsTask().GetAwaiter().GetResult();

    public override async ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken)
    {
        // A scope "https://storage.azure.com/.default" is resource "https://storage.azure.com/" in IMDS's terms.
        var resource = requestContext.Scopes[0].EndsWith("/.default", StringComparison.Ordinal) ? requestContext.Scopes[0][..^".default".Length] : requestContext.Scopes[0];
        var query = $"?api-version=2018-02-01&resource={Uri.EscapeDataString(resource)}" + (clientId is null ? "" : $"&client_id={Uri.EscapeDataString(clientId)}");
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_endpoint + query));
                request.Headers.Add("Metadata", "true");
                var now = DateTimeOffset.UtcNow;
                using var response = await _http.SendAsync(request, cancellationToken);
                var body = await response.Content.ReadAsStringAsync(cancellationToken);
                if (((int)response.StatusCode >= 500 || (int)response.StatusCode == 429) && attempt < Attempts)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(500 * attempt), cancellationToken);
                    continue;
                }
                var token = TokenResponse.Parse(response.StatusCode, body, now, $"the instance metadata service (managed identity{(clientId is null ? "" : $" {clientId}")})");
                Log.Information("Got a managed identity token from the instance metadata service: expires {ExpiresOn:O}", token.ExpiresOn);
                return token;
            }
            catch (HttpRequestException e) when (attempt < Attempts)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(500 * attempt), cancellationToken);
                _ = e;
            }
            catch (HttpRequestException e)
            {
                throw new StoreException($"cannot reach the instance metadata service at {_endpoint.GetLeftPart(UriPartial.Authority)} for a managed identity token ({e.Message}); identity: managed works only on an Azure VM or AKS node with a managed identity", e);
            }
        }
    }
}
