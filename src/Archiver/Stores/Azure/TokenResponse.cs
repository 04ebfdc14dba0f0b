using System.Globalization;
using System.Net;
using System.Text.Json;
using Azure.Core;

namespace Archiver.Stores.Azure;

/// <summary>Reads an OAuth 2.0 token answer from Entra ID or the instance metadata service:
/// <c>access_token</c> with <c>expires_in</c> (seconds, a number or a string) or <c>expires_on</c>
/// (Unix seconds); an error answer's <c>error</c> and <c>error_description</c> become the message.</summary>
internal static class TokenResponse
{
    public static AccessToken Parse(HttpStatusCode status, string body, DateTimeOffset now, string from)
    {
        JsonElement root;
        try
        {
            root = JsonDocument.Parse(body).RootElement;
        }
        catch (JsonException)
        {
            throw new StoreException($"{from} answered {(int)status} with something that is not JSON");
        }
        if (status != HttpStatusCode.OK || !root.TryGetProperty("access_token", out var token) || token.GetString() is not { Length: > 0 } accessToken)
        {
            var error = root.TryGetProperty("error", out var e) ? e.ToString() : "no error code";
            var description = root.TryGetProperty("error_description", out var d) ? d.GetString()?.Split('\n')[0].Trim() : null;
            throw new StoreException($"{from} refused the token request: {(int)status} {error}{(description is null ? "" : $": {description}")}");
        }
        var expiresOn = Seconds(root, "expires_in") is { } inSeconds ? now.AddSeconds(inSeconds)
            : Seconds(root, "expires_on") is { } on ? DateTimeOffset.FromUnixTimeSeconds(on)
            : throw new StoreException($"{from} answered a token without expires_in or expires_on");
        var refreshOn = now + (expiresOn - now) * 2 / 3;
        return new AccessToken(accessToken, expiresOn, refreshOn);
    }

    private static long? Seconds(JsonElement root, string name)
    {
        if (!root.TryGetProperty(name, out var v)) return null;
        if (v.ValueKind == JsonValueKind.Number) return v.GetInt64();
        return long.TryParse(v.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;
    }
}
