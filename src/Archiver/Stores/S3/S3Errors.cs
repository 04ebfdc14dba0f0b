using System.Net;
using Amazon.Runtime;
using Amazon.S3;

namespace Archiver.Stores.S3;

/// <summary>
/// Turns SDK failures (after the SDK's own retries) into <see cref="StoreException"/>s that name
/// the bucket and key and say what to fix. Messages never carry credentials: only error codes,
/// the endpoint, bucket and key.
/// </summary>
public static class S3Errors
{
    public static StoreException Wrap(Exception e, string operation, string objectKey, S3StoreOptions o)
    {
        var where = $"{o.Bucket}/{objectKey}";
        var endpoint = o.Endpoint?.GetLeftPart(UriPartial.Authority) ?? (o.Flavor == S3Flavor.Oss ? "OSS" : "AWS S3");
        var message = e switch
        {
            AmazonS3Exception s3 => s3.ErrorCode switch
            {
                "InvalidAccessKeyId" => $"{operation} {where}: {endpoint} does not know this access key; check the credentials ({CredentialHint(o)})",
                "SignatureDoesNotMatch" => $"{operation} {where}: {endpoint} rejected the request signature; the secret key is wrong ({CredentialHint(o)}) or the clock is far off",
                "NoSuchBucket" => $"{operation} {where}: bucket '{o.Bucket}' does not exist at {endpoint}; create it or fix the store URL",
                "AccessDenied" or "AllAccessDisabled" => $"{operation} {where}: access denied by {endpoint}; grant the permissions listed in docs/stores.md on bucket '{o.Bucket}' to these credentials",
                "ExpiredToken" or "InvalidToken" or "TokenRefreshRequired" => $"{operation} {where}: the session token has expired or is invalid; refresh the credentials ({CredentialHint(o)})",
                "PermanentRedirect" or "AuthorizationHeaderMalformed" or "IllegalLocationConstraintException" => $"{operation} {where}: bucket '{o.Bucket}' is in another region than '{o.Region}'; set the store's region option ({s3.ErrorCode})",
                "InvalidBucketName" => $"{operation} {where}: '{o.Bucket}' is not a valid bucket name",
                "InvalidStorageClass" => $"{operation} {where}: storage class '{o.StorageClass}' is not supported by {endpoint}",
                _ when s3.StatusCode == HttpStatusCode.Forbidden => $"{operation} {where}: {endpoint} answered 403 {s3.ErrorCode}; check the credentials and the permissions in docs/stores.md",
                _ when (int)s3.StatusCode >= 500 => $"{operation} {where}: {endpoint} kept failing ({(int)s3.StatusCode} {s3.ErrorCode}) after retries; try again later",
                _ => $"{operation} {where}: {endpoint} answered {(int)s3.StatusCode} {s3.ErrorCode}: {s3.Message}",
            },
            AmazonClientException c when c.Message.Contains("credentials", StringComparison.OrdinalIgnoreCase) =>
                $"{operation} {where}: no credentials found; {CredentialHint(o)}",
            HttpRequestException or IOException or AmazonClientException or TaskCanceledException =>
                $"{operation} {where}: cannot reach {endpoint} after retries ({Innermost(e).Message}); check the endpoint and the network",
            _ => $"{operation} {where}: {e.Message}",
        };
        return new StoreException(message, e);
    }

    /// <summary>True when the object (not the bucket) is missing: a value, not an error.</summary>
    public static bool IsNotFound(AmazonS3Exception e) =>
        e.StatusCode == HttpStatusCode.NotFound && e.ErrorCode is not "NoSuchBucket";

    /// <summary>Where credentials were looked for, in the order they are tried, and how to give them.</summary>
    internal static string CredentialHint(S3StoreOptions o) => o switch
    {
        { Flavor: S3Flavor.Oss, CredentialsFile: { } f } => $"credentials file {f}",
        { Flavor: S3Flavor.Oss } => "OSS_ACCESS_KEY_ID / OSS_ACCESS_KEY_SECRET",
        { CredentialsFile: { } f } => $"profile '{o.Profile ?? "default"}' in {f}",
        { Profile: { } p } => $"AWS profile '{p}'",
        _ => "looked for AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN (IRSA), AWS_CONTAINER_CREDENTIALS_FULL_URI (EKS Pod Identity), AWS_ACCESS_KEY_ID + AWS_SECRET_ACCESS_KEY, the shared credentials and config files, and the node's instance role; set one of them (docs/operations.md, Credentials)",
    };

    internal static Exception Innermost(Exception e)
    {
        while (e.InnerException is not null) e = e.InnerException;
        return e;
    }
}
