using System.Text.RegularExpressions;

namespace Archiver.Tests.Support.Identity;

/// <summary>
/// What AWS S3 checks about temporary credentials and radosgw (without its own STS) does not; put in
/// front of radosgw through <see cref="S3FaultProxy.Gate"/>. radosgw still checks the signature with
/// the key's secret. Rules and error codes from the S3 API reference, "Error responses"
/// (https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html), and SigV4 signing with
/// temporary credentials (https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html:
/// the X-Amz-Security-Token header is sent and, for S3, signed):
/// <list type="bullet">
/// <item>the request is SigV4-signed with a key id the stand-in issued, else 403 InvalidAccessKeyId;</item>
/// <item>it carries X-Amz-Security-Token, else 400 InvalidToken (missing token);</item>
/// <item>the token is the one issued with that key, else 400 InvalidToken;</item>
/// <item>the token is among the signed headers, else 403 AccessDenied (a token that is not signed
///   could be swapped);</item>
/// <item>the key has not expired, else 400 ExpiredToken.</item>
/// </list>
/// </summary>
public sealed partial class SessionTokenGate(RgwTemporaryKeys keys, TimeProvider clock)
{
    public S3Rejection? Check(ProxiedRequest request)
    {
        var headers = request.Headers ?? new Dictionary<string, string>();
        var auth = AuthorizationPattern().Match(headers.GetValueOrDefault("Authorization") ?? "");
        if (!auth.Success) return new(403, "AccessDenied", "Anonymous access is forbidden for this operation");
        if (keys.ByAccessKey(auth.Groups["id"].Value) is not { } issued)
            return new(403, "InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist in our records.");
        if (headers.GetValueOrDefault("X-Amz-Security-Token") is not { } token)
            return new(400, "InvalidToken", "The provided token is malformed or otherwise invalid.");
        if (token != issued.SessionToken) return new(400, "InvalidToken", "The provided token is malformed or otherwise invalid.");
        if (!auth.Groups["signed"].Value.Split(';').Contains("x-amz-security-token"))
            return new(403, "AccessDenied", "x-amz-security-token must be a signed header");
        if (clock.GetUtcNow() >= issued.Expiration) return new(400, "ExpiredToken", "The provided token has expired.");
        return null;
    }

    /// <summary>The key id a request was signed with (the Credential= scope of its SigV4 Authorization header).</summary>
    public static string? KeyIdOf(ProxiedRequest request) =>
        AuthorizationPattern().Match(request.Headers?.GetValueOrDefault("Authorization") ?? "") is { Success: true } m ? m.Groups["id"].Value : null;

    [GeneratedRegex(@"^AWS4-HMAC-SHA256 Credential=(?<id>[^/]+)/\d{8}/[^/]+/s3/aws4_request, ?SignedHeaders=(?<signed>[a-z0-9;-]+), ?Signature=[0-9a-f]{64}$")]
    private static partial Regex AuthorizationPattern();
}
