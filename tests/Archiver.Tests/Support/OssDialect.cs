using System.Security.Cryptography;

namespace Archiver.Tests.Support;

/// <summary>
/// The rules of OSS's S3-compatible endpoint that <see cref="OssDialectProxy"/> enforces, each with
/// the page it comes from:
/// <list type="number">
/// <item>[ops] Only the operations in "S3 API on OSS: supported operations and limitations"
/// (https://www.alibabacloud.com/help/en/oss/developer-reference/compatibility-with-amazon-s3, also
/// doc-detail/389025) are served; anything else (ListMultipartUploads, PutObjectTagging, ...) gets
/// 501 NotImplemented. The message text is the stand-in's own; no Alibaba page shows one.</item>
/// <item>[vhost] Buckets are addressed virtual-hosted only (same page, "Request style"); a path-style
/// request gets 403 SecondLevelDomainForbidden, the code OSS answers (reported in
/// github.com/flashcatcloud/flashduty-runner/pull/42).</item>
/// <item>[chunked] aws-chunked bodies: Alibaba error page 0017-00000804
/// (https://www.alibabacloud.com/help/en/oss/user-guide/0017-00000804) answers 400 InvalidArgument
/// "aws-chunked encoding is not supported with the specified x-amz-content-sha256 value." That page
/// accepts aws-chunked with STREAMING-AWS4-HMAC-SHA256-PAYLOAD; the stand-in refuses every
/// aws-chunked / STREAMING-* / chunked-transfer body (stricter: Archiver never needs them).</item>
/// <item>[checksum] x-amz-checksum-*, x-amz-trailer, x-amz-sdk-checksum-algorithm: no Alibaba page
/// lists them (OSS's own integrity headers are Content-MD5 and x-oss-hash-crc64ecma); refused with
/// 400 InvalidArgument (the stand-in's choice of code).</item>
/// <item>[signed] Every x-amz-* header must be signed: error page 0002-00000431
/// (https://help.aliyun.com/en/oss/user-guide/0002-00000431), 403 SignatureDoesNotMatch; the stand-in
/// holds x-oss-* headers to the same rule. Only AWS4-HMAC-SHA256 is accepted (0002-00000411); the
/// signature and the payload hash are checked with the stand-in's own OSS keys.</item>
/// </list>
/// Not refused but rewritten: [etag] the ETag of a completed multipart upload is "a unique value
/// generated based on specific rules, not the MD5" (CompleteMultipartUpload,
/// https://www.alibabacloud.com/help/en/oss/developer-reference/completemultipartupload; rclone's
/// Alibaba provider sets use_multipart_etag: false), so the stand-in answers one that is not
/// md5(part md5s)-n.
/// </summary>
public static class OssDialect
{
    public const string ListMultipartUploads = "ListMultipartUploads";

    private static readonly HashSet<string> Supported =
    [
        "PutBucket", "DeleteBucket", "GetBucket", "GetBucketV2", "GetBucketACL", "GetBucketLifecycle", "GetBucketLocation",
        "GetBucketLogging", "HeadBucket", "PutBucketACL", "PutBucketLifecycle", "PutBucketLogging",
        "DeleteObject", "DeleteObjects", "GetObject", "GetObjectACL", "HeadObject", "PostObject", "PutObject", "PutObjectCopy", "PutObjectACL",
        "InitiateMultipartUpload", "AbortMultipartUpload", "CompleteMultipartUpload", "ListParts", "UploadPart", "UploadPartCopy",
    ];

    /// <summary>Query parameters that only shape an operation (listing and read options), never name one.</summary>
    private static readonly HashSet<string> Plain =
    [
        "prefix", "marker", "max-keys", "delimiter", "encoding-type", "continuation-token", "start-after", "fetch-owner", "list-type",
        "uploadId", "partNumber", "max-parts", "part-number-marker", "x-id",
    ];

    /// <summary>The S3 operation a request is, by method, key and sub-resource.</summary>
    public static string Operation(string method, bool hasKey, string query, IReadOnlyList<KeyValuePair<string, string>> headers)
    {
        var names = query.Split('&', StringSplitOptions.RemoveEmptyEntries).Select(p => Uri.UnescapeDataString(p.Split('=')[0])).ToHashSet();
        var sub = names.FirstOrDefault(n => !Plain.Contains(n) && !n.StartsWith("response-", StringComparison.Ordinal));
        bool Has(string n) => names.Contains(n);
        return (method, hasKey, sub) switch
        {
            ("GET", false, "uploads") => ListMultipartUploads,
            ("GET", false, null) => Has("list-type") ? "GetBucketV2" : "GetBucket",
            ("GET", false, "acl") => "GetBucketACL",
            ("GET", false, "lifecycle") => "GetBucketLifecycle",
            ("GET", false, "location") => "GetBucketLocation",
            ("GET", false, "logging") => "GetBucketLogging",
            ("PUT", false, null) => "PutBucket",
            ("PUT", false, "acl") => "PutBucketACL",
            ("PUT", false, "lifecycle") => "PutBucketLifecycle",
            ("PUT", false, "logging") => "PutBucketLogging",
            ("HEAD", false, null) => "HeadBucket",
            ("DELETE", false, null) => "DeleteBucket",
            ("POST", false, "delete") => "DeleteObjects",
            ("POST", false, null) => "PostObject",
            ("GET", true, null) => Has("uploadId") ? "ListParts" : "GetObject",
            ("GET", true, "acl") => "GetObjectACL",
            ("HEAD", true, null) => "HeadObject",
            ("PUT", true, null) when Has("uploadId") => SigV4.Header(headers, "x-amz-copy-source") is null ? "UploadPart" : "UploadPartCopy",
            ("PUT", true, null) => SigV4.Header(headers, "x-amz-copy-source") is null ? "PutObject" : "PutObjectCopy",
            ("PUT", true, "acl") => "PutObjectACL",
            ("PUT", true, "tagging") => "PutObjectTagging",
            ("GET", true, "tagging") => "GetObjectTagging",
            ("POST", true, "uploads") => "InitiateMultipartUpload",
            ("POST", true, null) when Has("uploadId") => "CompleteMultipartUpload",
            ("DELETE", true, null) => Has("uploadId") ? "AbortMultipartUpload" : "DeleteObject",
            _ => $"{method} ?{sub ?? ""}{(hasKey ? " (object)" : " (bucket)")}",
        };
    }

    /// <summary>The header rules: the first one the request breaks, or null. (The stand-in checks the
    /// addressing, then the operation, then these, then the signature.)</summary>
    public static OssRefusal? Check(IReadOnlyList<KeyValuePair<string, string>> headers, OssCredentialsPair keys)
    {
        string? H(string n) => SigV4.Header(headers, n);
        if ((H("Content-Encoding") ?? "").Contains("aws-chunked", StringComparison.OrdinalIgnoreCase)
            || (H("x-amz-content-sha256") ?? "").StartsWith("STREAMING-", StringComparison.Ordinal)
            || H("x-amz-decoded-content-length") is not null
            || (H("Transfer-Encoding") ?? "").Contains("chunked", StringComparison.OrdinalIgnoreCase))
            return new(400, "InvalidArgument", "aws-chunked encoding is not supported with the specified x-amz-content-sha256 value.", "chunked", "0017-00000804");
        if (headers.FirstOrDefault(h => h.Key.StartsWith("x-amz-checksum-", StringComparison.OrdinalIgnoreCase)
                || h.Key.Equals("x-amz-trailer", StringComparison.OrdinalIgnoreCase)
                || h.Key.Equals("x-amz-sdk-checksum-algorithm", StringComparison.OrdinalIgnoreCase)) is { Key: not null } checksum)
            return new(400, "InvalidArgument", $"{checksum.Key} is not supported.", "checksum");
        if (SigV4.Parse(H("Authorization")) is not { } auth)
            return new(403, "AccessDenied", "AWS4-HMAC-SHA256 authorization in the Authorization header is required.", "signed", "0002-00000411");
        if (auth.AccessKey != keys.Id)
            return new(403, "InvalidAccessKeyId", "The OSS Access Key Id you provided does not exist in our records.", "signed");
        var unsigned = headers.Select(h => h.Key.ToLowerInvariant())
            .Where(k => k.StartsWith("x-amz-", StringComparison.Ordinal) || k.StartsWith("x-oss-", StringComparison.Ordinal) || k == "host")
            .FirstOrDefault(k => !auth.SignedHeaders.Contains(k));
        if (unsigned is not null)
            return new(403, "SignatureDoesNotMatch", $"Header {unsigned} is not in SignedHeaders.", "signed", "0002-00000431");
        return null;
    }

    /// <summary>The signature and the payload hash, checked once the request's path and body are known.</summary>
    public static OssRefusal? CheckSignature(string method, string path, string query, IReadOnlyList<KeyValuePair<string, string>> headers, byte[] body, OssCredentialsPair keys)
    {
        var auth = SigV4.Parse(SigV4.Header(headers, "Authorization"))!.Value;
        var payload = SigV4.Header(headers, "x-amz-content-sha256");
        if (payload is null)
            return new(400, "InvalidRequest", "Missing required header for this request: x-amz-content-sha256.", "signed");
        var expected = SigV4.Sign(keys.Secret, auth.Date, auth.Region, method, path, query, headers, auth.SignedHeaders, payload);
        if (!CryptographicOperations.FixedTimeEquals(System.Text.Encoding.ASCII.GetBytes(expected), System.Text.Encoding.ASCII.GetBytes(auth.Signature)))
            return new(403, "SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided.", "signed");
        if (payload != "UNSIGNED-PAYLOAD" && payload != SigV4.Hex(SHA256.HashData(body)))
            return new(400, "XAmzContentSHA256Mismatch", "The provided 'x-amz-content-sha256' header does not match what was computed.", "signed");
        return null;
    }

    public static OssRefusal? CheckOperation(string operation) =>
        Supported.Contains(operation) ? null
            : new(501, "NotImplemented", $"{operation} is not among the S3 operations OSS supports.", "ops");

    /// <summary>An OSS error body (Code, Message, RequestId, HostId, EC), as OSS's error pages show it.</summary>
    public static string ErrorXml(OssRefusal r, string host, string requestId) =>
        $"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error>\n  <Code>{r.Code}</Code>\n  <Message>{System.Security.SecurityElement.Escape(r.Message)}</Message>\n" +
        $"  <RequestId>{requestId}</RequestId>\n  <HostId>{host}</HostId>\n{(r.Ec is null ? "" : $"  <EC>{r.Ec}</EC>\n")}</Error>\n";
}
