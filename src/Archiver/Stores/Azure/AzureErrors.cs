using Azure;

namespace Archiver.Stores.Azure;

/// <summary>
/// Turns Blob Storage failures (after the SDK's own retries) into <see cref="StoreException"/>s that
/// name the container and blob and say what to fix. Error codes are Blob Storage's
/// (https://learn.microsoft.com/rest/api/storageservices/blob-service-error-codes); messages never
/// carry credentials.
/// </summary>
public static class AzureErrors
{
    public const string BlobNotFound = "BlobNotFound";
    public const string BlobArchived = "BlobArchived";
    public const string ImmutableByPolicy = "BlobImmutableDueToPolicy";

    public static StoreException Wrap(Exception e, string operation, string blobName, AzureStoreOptions o)
    {
        if (e is StoreException s) return s;
        var where = $"{o.Container}/{blobName}";
        var message = e switch
        {
            RequestFailedException r => r.ErrorCode switch
            {
                "ContainerNotFound" => $"{operation} {where}: container '{o.Container}' does not exist; create it (az storage container create --name {o.Container}) or fix the store URL",
                "AuthenticationFailed" or "InvalidAuthenticationInfo" => $"{operation} {where}: Blob Storage did not accept the credentials ({r.ErrorCode}); check them (docs/stores.md, Azure credentials) and the node's clock",
                // Blob Storage's answer when the account's network rules keep the client out; Azurite's for a bad key.
                "AuthorizationFailure" => $"{operation} {where}: Blob Storage did not accept the credentials or does not let this client in (AuthorizationFailure); check them (docs/stores.md, Azure credentials), the account's firewall and the role assignment",
                "AuthorizationPermissionMismatch" or "AuthorizationResourceTypeMismatch" =>
                    $"{operation} {where}: the identity may not do this ({r.ErrorCode}); assign it the Storage Blob Data Contributor role on container '{o.Container}' (docs/stores.md)",
                "InvalidBlockList" => $"{operation} {where}: Blob Storage does not hold every block of this upload (InvalidBlockList); the upload is discarded and the directory is archived again next sweep",
                _ when r.Status == 403 => $"{operation} {where}: Blob Storage answered 403 {r.ErrorCode}; check the credentials and the role assignment in docs/stores.md",
                _ when r.Status >= 500 => $"{operation} {where}: Blob Storage kept failing ({r.Status} {r.ErrorCode}) after retries; try again later",
                _ => $"{operation} {where}: Blob Storage answered {r.Status} {r.ErrorCode}: {FirstLine(r.Message)}",
            },
            HttpRequestException or IOException or TaskCanceledException or AggregateException =>
                $"{operation} {where}: cannot reach {o.Endpoint?.GetLeftPart(UriPartial.Authority) ?? "Blob Storage"} after retries ({Innermost(e).Message}); check the endpoint and the network",
            _ => $"{operation} {where}: {e.Message}",
        };
        return new StoreException(message, e);
    }

    private static string FirstLine(string text) => text.Split('\n')[0].Trim();

    private static Exception Innermost(Exception e)
    {
        while (e.InnerException is not null) e = e.InnerException;
        return e;
    }
}
