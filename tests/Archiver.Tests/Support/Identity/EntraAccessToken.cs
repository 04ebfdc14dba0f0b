using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Archiver.Tests.Support.Identity;

/// <summary>A Microsoft Entra ID access token for Blob Storage as the stand-ins issue it: a JWT with
/// the claims Azurite's <c>--oauth basic</c> checks (issuer <c>https://sts.windows.net/{tenant}/</c>,
/// audience the storage resource, nbf/exp) and the application's id. The signature is random bytes
/// (Azurite does not check it).</summary>
public static class EntraAccessToken
{
    public static string Create(string tenantId, string clientId, string audience, DateTimeOffset now, DateTimeOffset expires)
    {
        static string B64(byte[] b) => Convert.ToBase64String(b).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var header = new JsonObject { ["typ"] = "JWT", ["alg"] = "RS256" };
        var claims = new JsonObject
        {
            ["aud"] = audience,
            ["iss"] = $"https://sts.windows.net/{tenantId}/",
            ["iat"] = now.ToUnixTimeSeconds(),
            ["nbf"] = now.ToUnixTimeSeconds(),
            ["exp"] = expires.ToUnixTimeSeconds(),
            ["appid"] = clientId,
            ["tid"] = tenantId,
        };
        return $"{B64(Encoding.UTF8.GetBytes(header.ToJsonString()))}.{B64(Encoding.UTF8.GetBytes(claims.ToJsonString()))}.{B64(RandomNumberGenerator.GetBytes(64))}";
    }
}
