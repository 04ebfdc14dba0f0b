using Azure.Core;
using Serilog;

namespace Archiver.Stores.Azure;

/// <summary>
/// Microsoft Entra ID access tokens for Blob Storage from AKS Workload Identity: the pod's projected
/// service-account token sent as a client assertion in the OAuth 2.0 client credentials flow
/// (https://learn.microsoft.com/entra/identity-platform/v2-oauth2-client-creds-grant-flow, "Third case:
/// Access token request with a federated credential"): POST to
/// <c>{authority}/{tenant}/oauth2/v2.0/token</c> with client_id, scope
/// <c>https://storage.azure.com/.default</c>, grant_type client_credentials, client_assertion_type
/// <c>urn:ietf:params:oauth:client-assertion-type:jwt-bearer</c> and client_assertion. The token file is
/// read afresh for every exchange (the kubelet rotates it). Azure.Core's bearer-token policy keeps the
/// access token and asks for a new one before it expires (5 minutes before, or at
/// <see cref="AccessToken.RefreshOn"/>: two thirds into its life); the store's requests never wait on an
/// expired one. Network failures and 5xx answers are tried three times; a refusal is a
/// <see cref="StoreException"/> with Entra ID's error code and description, never the token.
/// Azure.Identity does the same, with MSAL and its dependencies; this is the one flow Archiver needs.
/// </summary>
public sealed class WorkloadIdentityCredential(WorkloadIdentitySettings settings, TimeProvider clock, HttpClient? http = null) : TokenCredential
{
    public const string AssertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
    private const int Attempts = 3;
    private static readonly ILogger Log = Serilog.Log.ForContext<WorkloadIdentityCredential>();
    private readonly HttpClient _http = http ?? TokenHttp.Shared;

    public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
        GetTokenAsync(requestContext, cancellationToken).AsTask().GetAwaiter().GetResult();

    public override async ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, settings.TokenEndpoint)
                {
                    Content = new FormUrlEncodedContent(new Dictionary<string, string>
                    {
                        ["client_id"] = settings.ClientId,
                        ["scope"] = string.Join(' ', requestContext.Scopes),
                        ["grant_type"] = "client_credentials",
                        ["client_assertion_type"] = AssertionType,
                        ["client_assertion"] = ReadAssertion(),
                    }),
                };
                var now = clock.GetUtcNow();
                using var response = await _http.SendAsync(request, cancellationToken);
                var body = await response.Content.ReadAsStringAsync(cancellationToken);
                if ((int)response.StatusCode >= 500 && attempt < Attempts)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(250 * attempt), cancellationToken);
                    continue;
                }
                var token = TokenResponse.Parse(response.StatusCode, body, now, $"Entra ID ({settings.TokenEndpoint.Host}) for client {settings.ClientId}");
                Log.Information("Exchanged the Workload Identity token of client {ClientId} at {Authority}: access token expires {ExpiresOn:O}",
                    settings.ClientId, settings.TokenEndpoint.Host, token.ExpiresOn);
                return token;
            }
            catch (HttpRequestException e) when (attempt < Attempts)
            {
                Log.Debug("Token request to {Endpoint} failed ({Message}); retrying", settings.TokenEndpoint.Host, e.Message);
                await Task.Delay(TimeSpan.FromMilliseconds(250 * attempt), cancellationToken);
            }
            catch (HttpRequestException e)
            {
                throw new StoreException($"cannot reach Entra ID at {settings.TokenEndpoint.GetLeftPart(UriPartial.Authority)} ({e.Message}); check AZURE_AUTHORITY_HOST and the network", e);
            }
        }
    }

    private string ReadAssertion() => TokenFile.Read(settings.TokenFile, "federated token file", WorkloadIdentitySettings.TokenFileVariable, "azure-identity-token volume");
}
