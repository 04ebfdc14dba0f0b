using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Archiver.Tests.Support.Identity;

/// <summary>
/// A projected service account token as kubelet writes it for IRSA (audience sts.amazonaws.com)
/// or EKS Pod Identity (audience pods.eks.amazonaws.com): a JWT with iss, sub, aud, iat, nbf, exp.
/// The signature is random bytes: the stand-ins check a token by comparing it with the one issued,
/// which is what verifying the signature against the cluster's keys amounts to.
/// </summary>
public static class ServiceAccountToken
{
    public const string EksIssuer = "https://oidc.eks.us-east-1.amazonaws.com/id/ARCHIVERTEST";

    /// <param name="issuer">The cluster's OIDC issuer; EKS's form unless given (AKS: https://REGION.oic.prod-aks.azure.com/TENANT/GUID/).</param>
    public static string Create(string audience, DateTimeOffset now, TimeSpan lifetime, string issuer = EksIssuer)
    {
        var header = new JsonObject { ["alg"] = "RS256", ["kid"] = "archiver-test" };
        var claims = new JsonObject
        {
            ["aud"] = new JsonArray(audience),
            ["iss"] = issuer,
            ["sub"] = "system:serviceaccount:archiver:archiver",
            ["iat"] = now.ToUnixTimeSeconds(),
            ["nbf"] = now.ToUnixTimeSeconds(),
            ["exp"] = (now + lifetime).ToUnixTimeSeconds(),
        };
        return $"{Encode(Encoding.UTF8.GetBytes(header.ToJsonString()))}.{Encode(Encoding.UTF8.GetBytes(claims.ToJsonString()))}.{Encode(RandomNumberGenerator.GetBytes(256))}";
    }

    /// <summary>The claims of a JWT, or null when it is not three base64url parts with a JSON payload.</summary>
    public static JsonElement? Claims(string token)
    {
        var parts = token.Split('.');
        if (parts.Length != 3) return null;
        try
        {
            return JsonDocument.Parse(Decode(parts[1])).RootElement;
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
            return null;
        }
    }

    /// <summary>The exp claim, or null.</summary>
    public static DateTimeOffset? Expiry(JsonElement claims) =>
        claims.TryGetProperty("exp", out var exp) && exp.TryGetInt64(out var seconds) ? DateTimeOffset.FromUnixTimeSeconds(seconds) : null;

    /// <summary>True when the aud claim (a string or an array) holds <paramref name="audience"/>.</summary>
    public static bool HasAudience(JsonElement claims, string audience) =>
        claims.TryGetProperty("aud", out var aud) &&
        (aud.ValueKind == JsonValueKind.String ? aud.GetString() == audience : aud.ValueKind == JsonValueKind.Array && aud.EnumerateArray().Any(a => a.GetString() == audience));

    private static string Encode(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static byte[] Decode(string text)
    {
        var s = text.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(s.PadRight(s.Length + ((4 - s.Length % 4) % 4), '='));
    }
}
