using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.CredentialManagement;
using Amazon.S3;
using Archiver.Stores.Oss;

namespace Archiver.Stores.S3;

/// <summary>
/// Makes the AWSSDK.S3 client for a store. Away from AWS (OSS, Ceph RGW, MinIO) the SDK v4
/// default of flexible checksums on every request is turned off ("when required"), because many
/// S3-compatible servers reject the <c>x-amz-checksum-*</c> trailers and <c>aws-chunked</c> bodies.
/// Retries (throttling, 5xx, connection resets) use the SDK's standard mode: exponential backoff
/// with jitter, <see cref="S3StoreOptions.Retries"/> attempts after the first.
/// </summary>
public static class S3ClientFactory
{
    /// <param name="httpClientFactory">Only for tests that record requests on loopback; null in production.</param>
    /// <param name="clock">When RRSA credentials for <c>oss://</c> are renewed.</param>
    public static (IAmazonS3 Client, AWSCredentials Credentials) Create(S3StoreOptions o, Func<string, string?> environment, HttpClientFactory? httpClientFactory = null, TimeProvider? clock = null)
    {
        var config = new AmazonS3Config
        {
            ForcePathStyle = o.PathStyle,
            RetryMode = RequestRetryMode.Standard,
            MaxErrorRetry = o.Retries,
            Timeout = o.Timeout,
        };
        if (httpClientFactory is not null) config.HttpClientFactory = httpClientFactory;
        if (!o.IsAws)
        {
            config.RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED;
            config.ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED;
        }
        if (o.Endpoint is not null)
        {
            config.ServiceURL = o.Endpoint.AbsoluteUri;
            config.AuthenticationRegion = o.Region ?? "us-east-1";
        }
        else if (o.Region is not null)
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(o.Region);
        }
        // Every source, the SDK's default chain included, behind ConsistentCredentials: key and token
        // of one request always come from one answer.
        var credentials = new ConsistentCredentials(Credentials(o, environment, clock ?? TimeProvider.System) ?? new DefaultChainCredentials(config));
        return (new AmazonS3Client(credentials, config), credentials);
    }

    /// <summary>Explicit credentials, RRSA for OSS, IRSA or EKS Pod Identity (<see cref="AwsWorkloadIdentity"/>),
    /// or null for the rest of the SDK's default chain (environment keys, shared files, instance profile).</summary>
    private static AWSCredentials? Credentials(S3StoreOptions o, Func<string, string?> environment, TimeProvider clock)
    {
        if (o.Flavor == S3Flavor.Oss) return OssCredentials.Resolve(o.CredentialsFile, o.Internal, o.Region, environment, clock);
        if (o.CredentialsFile is null && o.Profile is null) return AwsWorkloadIdentity.Resolve(environment);
        var profileName = o.Profile ?? "default";
        var source = o.CredentialsFile is null ? (ICredentialProfileSource)new CredentialProfileStoreChain() : new SharedCredentialsFile(o.CredentialsFile);
        var found = source switch
        {
            CredentialProfileStoreChain chain => chain.TryGetProfile(profileName, out var p) ? p : null,
            SharedCredentialsFile file => file.TryGetProfile(profileName, out var p) ? p : null,
            _ => null,
        };
        if (found is null)
            throw new StoreException($"AWS profile '{profileName}' was not found in {o.CredentialsFile ?? "the shared credentials and config files"}; add it or fix the store's profile/credentialsFile option");
        return AWSCredentialsFactory.GetAWSCredentials(found, source);
    }
}
