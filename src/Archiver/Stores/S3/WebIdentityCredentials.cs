using Amazon.Runtime;

namespace Archiver.Stores.S3;

/// <summary>
/// IRSA: the SDK's AssumeRoleWithWebIdentity credentials (STS call, refresh 15 minutes before they
/// expire), with failures that say which file, role and STS endpoint, and what to check. The token
/// file is read afresh for every exchange (kubelet rotates it); its contents never reach a message.
/// </summary>
internal sealed class WebIdentityCredentials(string tokenFile, string roleArn, string? sessionName, string stsEndpoint)
    : AssumeRoleWithWebIdentityCredentials(tokenFile, roleArn, sessionName)
{
    private const string What = "web identity (IRSA)";

    protected override CredentialsRefreshState GenerateNewCredentials()
    {
        var token = AwsWorkloadIdentity.ReadToken(AwsWorkloadIdentity.TokenFile, WebIdentityTokenFile, What);
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
        var token = AwsWorkloadIdentity.ReadToken(AwsWorkloadIdentity.TokenFile, WebIdentityTokenFile, What);
        try
        {
            return await base.GenerateNewCredentialsAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is not StoreException)
        {
            throw Failure(e, token);
        }
    }

    private StoreException Failure(Exception e, string token)
    {
        var cause = AwsWorkloadIdentity.Cause(e, token);
        var hint = e is AmazonServiceException { ErrorCode: { } code } ? code switch
        {
            "InvalidIdentityToken" => $"STS does not accept the token in {WebIdentityTokenFile}: check the IAM OIDC identity provider of this cluster and the token's audience (sts.amazonaws.com)",
            "ExpiredTokenException" => $"the token in {WebIdentityTokenFile} has expired: kubelet refreshes it while the pod runs; check the projected token volume",
            "AccessDenied" => $"the trust policy of {RoleArn} does not allow this service account: check its Condition on the OIDC provider's :sub and :aud",
            _ => $"check {AwsWorkloadIdentity.RoleArn} ({RoleArn}) and the role's trust policy",
        } : $"check {(stsEndpoint.Contains("amazonaws.com", StringComparison.Ordinal) ? "AWS_REGION" : "AWS_ENDPOINT_URL_STS")} and the network";
        return new StoreException($"web identity (IRSA): AssumeRoleWithWebIdentity at {stsEndpoint} for role {RoleArn} failed ({cause}); {hint}", e);
    }
}
