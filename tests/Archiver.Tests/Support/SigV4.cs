using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Archiver.Tests.Support;

/// <summary>
/// AWS Signature Version 4 for S3 requests sent with the signature in the Authorization header, as
/// AWS documents it ("Signature Calculations for the Authorization Header", docs.aws.amazon.com/
/// AmazonS3/latest/API/sig-v4-header-based-auth.html). OSS's S3-compatible endpoint accepts the same
/// form (Alibaba error page 0002-00000411: only AWS4-HMAC-SHA256). The OSS stand-in uses it twice:
/// to check the client's signature, and to sign the request it forwards to radosgw.
/// </summary>
public static class SigV4
{
    /// <summary>The signature over <paramref name="signedHeaders"/> (lower-case names) of a request
    /// whose path is already URI-encoded as on the wire (S3 does not encode it twice).</summary>
    public static string Sign(string secret, string date, string region, string method, string path, string query,
        IReadOnlyList<KeyValuePair<string, string>> headers, IReadOnlyList<string> signedHeaders, string payloadHash)
    {
        var amzDate = Header(headers, "x-amz-date") ?? throw new InvalidOperationException("no x-amz-date header");
        var canonical = string.Join('\n',
            method,
            path.Length == 0 ? "/" : path,
            CanonicalQuery(query),
            string.Concat(signedHeaders.Select(h => $"{h}:{CanonicalValue(headers, h)}\n")),
            string.Join(';', signedHeaders),
            payloadHash);
        var scope = $"{date}/{region}/s3/aws4_request";
        var toSign = $"AWS4-HMAC-SHA256\n{amzDate}\n{scope}\n{Hex(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)))}";
        var key = Hmac(Hmac(Hmac(Hmac(Encoding.UTF8.GetBytes("AWS4" + secret), date), region), "s3"), "aws4_request");
        return Hex(Hmac(key, toSign));
    }

    /// <summary>The Authorization header for the request as it is about to be sent.</summary>
    public static string Authorization(string accessKey, string secret, string region, string method, string path, string query,
        IReadOnlyList<KeyValuePair<string, string>> headers, IReadOnlyList<string> signedHeaders, string payloadHash)
    {
        var date = Header(headers, "x-amz-date")![..8];
        var signature = Sign(secret, date, region, method, path, query, headers, signedHeaders, payloadHash);
        return $"AWS4-HMAC-SHA256 Credential={accessKey}/{date}/{region}/s3/aws4_request, SignedHeaders={string.Join(';', signedHeaders)}, Signature={signature}";
    }

    /// <summary>The parts of an <c>AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…</c>
    /// header; null when it is not one.</summary>
    public static (string AccessKey, string Date, string Region, string[] SignedHeaders, string Signature)? Parse(string? authorization)
    {
        if (authorization is null || !authorization.StartsWith("AWS4-HMAC-SHA256 ", StringComparison.Ordinal)) return null;
        var fields = authorization[17..].Split(',', StringSplitOptions.TrimEntries)
            .Select(f => f.Split('=', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0], p => p[1]);
        if (!fields.TryGetValue("Credential", out var credential) || !fields.TryGetValue("SignedHeaders", out var signed) || !fields.TryGetValue("Signature", out var signature))
            return null;
        var scope = credential.Split('/');
        if (scope.Length != 5 || scope[3] != "s3" || scope[4] != "aws4_request") return null;
        return (scope[0], scope[1], scope[2], signed.Split(';'), signature);
    }

    public static string? Header(IReadOnlyList<KeyValuePair<string, string>> headers, string name) =>
        headers.Where(h => h.Key.Equals(name, StringComparison.OrdinalIgnoreCase)).Select(h => h.Value).FirstOrDefault();

    public static string Hex(byte[] bytes) => Convert.ToHexStringLower(bytes);

    private static string CanonicalValue(IReadOnlyList<KeyValuePair<string, string>> headers, string name) =>
        string.Join(',', headers.Where(h => h.Key.Equals(name, StringComparison.OrdinalIgnoreCase))
            .Select(h => string.Join(' ', h.Value.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries))));

    /// <summary>Parameters decoded, re-encoded the RFC 3986 way, sorted by name then value.</summary>
    private static string CanonicalQuery(string query) =>
        string.Join('&', query.Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2))
            .Select(p => (Name: Encode(Uri.UnescapeDataString(p[0])), Value: Encode(p.Length > 1 ? Uri.UnescapeDataString(p[1]) : "")))
            .OrderBy(p => p.Name, StringComparer.Ordinal).ThenBy(p => p.Value, StringComparer.Ordinal)
            .Select(p => $"{p.Name}={p.Value}"));

    private static string Encode(string s)
    {
        var sb = new StringBuilder();
        foreach (var b in Encoding.UTF8.GetBytes(s))
        {
            var c = (char)b;
            if (c is (>= 'A' and <= 'Z') or (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-' or '_' or '.' or '~') sb.Append(c);
            else sb.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
        }
        return sb.ToString();
    }

    private static byte[] Hmac(byte[] key, string data) => HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(data));
}
