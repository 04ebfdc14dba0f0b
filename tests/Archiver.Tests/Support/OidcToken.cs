using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Archiver.Tests.Support;

/// <summary>Projected service-account tokens as ACK's RRSA puts them in the pod: JWTs whose
/// <c>aud</c> is <c>sts.aliyuncs.com</c>, <c>iss</c> the cluster's OIDC issuer and <c>sub</c> the
/// ServiceAccount. The signature part is a placeholder (the STS stand-in has no issuer keys).</summary>
public static class OidcToken
{
    public const string Audience = "sts.aliyuncs.com";
    public const string Issuer = "https://oidc-ack-cn-hangzhou.oss-cn-hangzhou.aliyuncs.com/c0ffee0123456789";
    public const string Subject = "system:serviceaccount:archiver:archiver";

    /// <summary>A token issued now on <paramref name="clock"/>, valid for <paramref name="validFor"/>
    /// (negative: already expired); <paramref name="nonce"/> makes rotated tokens differ.</summary>
    public static string Create(TimeProvider clock, TimeSpan validFor, string nonce = "n1", string audience = Audience)
    {
        var now = clock.GetUtcNow();
        var header = new JsonObject { ["alg"] = "RS256", ["kid"] = "rrsa-test" };
        var payload = new JsonObject
        {
            ["aud"] = new JsonArray(audience),
            ["iss"] = Issuer,
            ["sub"] = Subject,
            ["iat"] = now.ToUnixTimeSeconds(),
            ["exp"] = (now + validFor).ToUnixTimeSeconds(),
            ["jti"] = nonce,
        };
        return $"{Encode(header.ToJsonString())}.{Encode(payload.ToJsonString())}.{Encode("placeholder-signature-" + nonce)}";
    }

    /// <summary>The payload's claims, or null when the token is not three dot-separated base64url
    /// parts with a JSON object in the middle.</summary>
    public static JsonObject? Claims(string token)
    {
        var parts = token.Split('.');
        if (parts.Length != 3) return null;
        try
        {
            var json = parts[1].Replace('-', '+').Replace('_', '/');
            json = json.PadRight(json.Length + (4 - json.Length % 4) % 4, '=');
            return JsonNode.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(json))) as JsonObject;
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
            return null;
        }
    }

    private static string Encode(string text) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(text)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
