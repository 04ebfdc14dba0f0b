using Amazon.Runtime;

namespace Archiver.Stores.S3;

/// <summary>
/// EKS Pod Identity (and ECS task roles): the SDK's container credentials, asked of the node's
/// agent at <c>AWS_CONTAINER_CREDENTIALS_FULL_URI</c> with the token file's contents as the
/// <c>Authorization</c> header, refreshed 15 minutes before they expire. Failures say which file and
/// endpoint, and what to check; the token never reaches a message.
/// </summary>
internal sealed class ContainerIdentityCredentials(string? tokenFile, string endpoint) : GenericContainerCredentials
{
    private const string What = "EKS Pod Identity";

    protected override CredentialsRefreshState GenerateNewCredentials()
    {
        var token = ReadToken();
        try
        {
            return base.GenerateNewCredentials();
        }
        catch (Exception e) when (e is not StoreException)
        {
            throw Failure(e, token);
        }
    }

    protected override async Task<CredentialsRefreshState> GenerateNewCredentialsAsync()
    {
        var token = ReadToken();
        try
        {
            return await base.GenerateNewCredentialsAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is not StoreException)
        {
            throw Failure(e, token);
        }
    }

    private string? ReadToken() =>
        tokenFile is null ? null : AwsWorkloadIdentity.ReadToken(AwsWorkloadIdentity.ContainerTokenFile, tokenFile, What);

    private StoreException Failure(Exception e, string? token) =>
        new($"EKS Pod Identity: the credentials endpoint {endpoint} (AWS_CONTAINER_CREDENTIALS_FULL_URI) gave no credentials ({AwsWorkloadIdentity.Cause(e, token)}); " +
            "check that the eks-pod-identity-agent add-on runs on this node and that a pod identity association exists for this namespace and service account", e);
}
