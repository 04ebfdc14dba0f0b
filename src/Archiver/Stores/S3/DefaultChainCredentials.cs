using Amazon.Runtime;
using Amazon.Runtime.Credentials;

namespace Archiver.Stores.S3;

/// <summary>
/// The SDK's own default chain (keys in the environment, the shared files, the node's instance role
/// through IMDS), resolved on every ask exactly as the SDK resolves it when given no credentials (it
/// caches the result and notices a changed credentials file). Made explicit only so that
/// <see cref="ConsistentCredentials"/> can keep key and token together for it too: the instance
/// role's keys are refreshed in the background, like IRSA's.
/// </summary>
internal sealed class DefaultChainCredentials(IClientConfig config) : AWSCredentials
{
    public override ImmutableCredentials GetCredentials() => DefaultAWSCredentialsIdentityResolver.GetCredentials(config).GetCredentials();

    public override async Task<ImmutableCredentials> GetCredentialsAsync()
    {
        var source = await DefaultAWSCredentialsIdentityResolver.GetCredentialsAsync(config).ConfigureAwait(false);
        return await source.GetCredentialsAsync().ConfigureAwait(false);
    }
}
