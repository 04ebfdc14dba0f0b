using System.Globalization;
using System.Net;
using System.Text.Json;

namespace Archiver.Stores.Oss;

/// <summary>
/// Alibaba Cloud STS <c>AssumeRoleWithOIDC</c> (RPC API, Version 2015-04-01): the OIDC token for
/// temporary keys, anonymously (no Signature or AccessKeyId: the token is the proof). Common
/// parameters go in the query, the request's own in a form body (so the token is in no URL).
/// Network failures and 5xx answers are tried three times; every failure is a
/// <see cref="StoreException"/> naming STS's endpoint, the role and STS's error code, never the token.
/// See https://www.alibabacloud.com/help/en/ram/developer-reference/api-sts-2015-04-01-assumerolewithoidc
/// </summary>
public sealed class AlibabaStsClient(RrsaSettings settings, HttpClient http, TimeProvider clock)
{
    public const int DurationSeconds = 3600;
    private const int Attempts = 3;

    public async Task<StsCredentials> AssumeRoleWithOidcAsync(string oidcToken, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                using var response = await http.SendAsync(Request(oidcToken), cancellationToken);
                var body = await response.Content.ReadAsStringAsync(cancellationToken);
                if ((int)response.StatusCode >= 500 && attempt < Attempts)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(250 * attempt), cancellationToken);
                    continue;
                }
                return Parse(response.StatusCode, body, oidcToken);
            }
            catch (Exception e) when (e is HttpRequestException or IOException || e is TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                if (attempt < Attempts)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(250 * attempt), cancellationToken);
                    continue;
                }
                throw new StoreException($"cannot reach STS {settings.StsEndpoint.GetLeftPart(UriPartial.Authority)} to exchange the OIDC token for role {settings.RoleArn} ({Innermost(e).Message}); check ALIBABA_CLOUD_STS_ENDPOINT and the network to STS", e);
            }
        }
    }

    private HttpRequestMessage Request(string oidcToken)
    {
        var timestamp = clock.GetUtcNow().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        var query = $"?Action=AssumeRoleWithOIDC&Format=JSON&Version=2015-04-01&Timestamp={Uri.EscapeDataString(timestamp)}";
        return new HttpRequestMessage(HttpMethod.Post, new Uri(settings.StsEndpoint, "/" + query))
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["RoleArn"] = settings.RoleArn,
                ["OIDCProviderArn"] = settings.OidcProviderArn,
                ["OIDCToken"] = oidcToken,
                ["RoleSessionName"] = settings.SessionName,
                ["DurationSeconds"] = DurationSeconds.ToString(CultureInfo.InvariantCulture),
            }),
        };
    }

    private StsCredentials Parse(HttpStatusCode status, string body, string oidcToken)
    {
        var sts = settings.StsEndpoint.GetLeftPart(UriPartial.Authority);
        JsonElement root;
        try
        {
            using var doc = JsonDocument.Parse(body);
            root = doc.RootElement.Clone();
        }
        catch (JsonException)
        {
            throw new StoreException($"STS {sts} answered the OIDC token exchange for role {settings.RoleArn} with {(int)status} and no JSON; check that ALIBABA_CLOUD_STS_ENDPOINT names Alibaba Cloud STS");
        }
        if (status == HttpStatusCode.OK && root.TryGetProperty("Credentials", out var c) && Text(c, "AccessKeyId") is { } id
            && Text(c, "AccessKeySecret") is { } secret && Text(c, "SecurityToken") is { } token
            && DateTimeOffset.TryParse(Text(c, "Expiration"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var expiration))
            return new StsCredentials(id, secret, token, expiration);
        var code = Text(root, "Code") ?? "no error code";
        var message = (Text(root, "Message") ?? "").Replace(oidcToken, "(token)", StringComparison.Ordinal);
        throw new StoreException($"STS {sts} refused the OIDC token exchange for role {settings.RoleArn}: {(int)status} {code}: {message}; {Advice(code)}");
    }

    private static string Advice(string code) => code switch
    {
        _ when code.StartsWith("AuthenticationFail.OIDCToken.Expired", StringComparison.Ordinal) =>
            "the token in ALIBABA_CLOUD_OIDC_TOKEN_FILE is not being renewed: check the pod's RRSA token volume (restart the pod)",
        _ when code.StartsWith("AuthenticationFail", StringComparison.Ordinal) || code.StartsWith("EntityNotExist", StringComparison.Ordinal) =>
            "check that the RAM role exists and trusts this cluster's OIDC provider for the archiver ServiceAccount (docs/operations.md, RRSA)",
        _ => "check the RRSA settings (docs/operations.md, RRSA)",
    };

    private static string? Text(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String && v.GetString() is { Length: > 0 } s ? s : null;

    private static Exception Innermost(Exception e)
    {
        while (e.InnerException is not null) e = e.InnerException;
        return e;
    }
}
