using System.Text.RegularExpressions;
using Amazon.Runtime;

namespace Archiver.Stores.S3;

/// <summary>
/// Credentials a Kubernetes pod on AWS is given without keys: IRSA (web identity:
/// <c>AWS_ROLE_ARN</c> + <c>AWS_WEB_IDENTITY_TOKEN_FILE</c>, exchanged at STS) and EKS Pod Identity
/// (<c>AWS_CONTAINER_CREDENTIALS_FULL_URI</c> + <c>AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE</c>, asked of
/// the node's agent). Same order as the SDK's default chain (web identity, then environment keys,
/// then the container endpoint), but resolved here so that a half-configured pod fails with the
/// variable it lacks instead of falling through to the instance role, and so that failures at run
/// time name the token file and endpoint (never the token).
/// </summary>
public static partial class AwsWorkloadIdentity
{
    public const string RoleArn = "AWS_ROLE_ARN";
    public const string TokenFile = "AWS_WEB_IDENTITY_TOKEN_FILE";
    public const string SessionName = "AWS_ROLE_SESSION_NAME";
    public const string ContainerFullUri = "AWS_CONTAINER_CREDENTIALS_FULL_URI";
    public const string ContainerRelativeUri = "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI";
    public const string ContainerTokenFile = "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE";

    /// <summary>The hosts the SDK accepts over plain http besides loopback (ECS, EKS IPv4, EKS IPv6),
    /// from aws-sdk-net GenericContainerCredentials.cs.</summary>
    private static readonly string[] ContainerHosts = ["169.254.170.2", "169.254.170.23", "[fd00:ec2::23]"];

    /// <summary>Web identity or container credentials when the environment asks for them; null to
    /// leave the choice to the SDK's default chain (keys in the environment, profiles, instance role).
    /// Throws <see cref="StoreException"/> naming the variable that is missing or wrong.</summary>
    public static AWSCredentials? Resolve(Func<string, string?> environment)
    {
        string? Get(string name) => environment(name) is { Length: > 0 } v ? v : null;
        var tokenFile = Get(TokenFile);
        var roleArn = Get(RoleArn);
        if (tokenFile is not null || roleArn is not null)
        {
            if (roleArn is null)
                throw new StoreException("AWS_WEB_IDENTITY_TOKEN_FILE is set but AWS_ROLE_ARN is not; set AWS_ROLE_ARN to the IAM role to assume (IRSA sets both when the service account has the eks.amazonaws.com/role-arn annotation)");
            if (tokenFile is null)
                throw new StoreException("AWS_ROLE_ARN is set but AWS_WEB_IDENTITY_TOKEN_FILE is not; IRSA sets both when the service account has the eks.amazonaws.com/role-arn annotation: restart the pod after adding it, or unset AWS_ROLE_ARN");
            if (!Path.IsPathRooted(tokenFile))
                throw new StoreException($"AWS_WEB_IDENTITY_TOKEN_FILE '{tokenFile}' must be an absolute path");
            var session = Get(SessionName);
            if (session is not null && !SessionNamePattern().IsMatch(session))
                throw new StoreException($"AWS_ROLE_SESSION_NAME '{session}' must be 2 to 64 letters, digits or _+=,.@- (the STS RoleSessionName rule)");
            return new WebIdentityCredentials(tokenFile, roleArn, session, StsEndpoint(Get));
        }
        var fullUri = Get(ContainerFullUri);
        if (Get("AWS_ACCESS_KEY_ID") is not null || (fullUri is null && Get(ContainerRelativeUri) is null)) return null;
        if (fullUri is not null && Get(ContainerRelativeUri) is null)
        {
            if (!Uri.TryCreate(fullUri, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
                throw new StoreException($"AWS_CONTAINER_CREDENTIALS_FULL_URI '{fullUri}' must be an http:// or https:// URL (EKS Pod Identity uses http://169.254.170.23/v1/credentials)");
            if (uri.Scheme == "http" && !uri.IsLoopback && !ContainerHosts.Contains(uri.Host))
                throw new StoreException($"AWS_CONTAINER_CREDENTIALS_FULL_URI '{fullUri}' is plain http to {uri.Host}; the AWS SDK allows http only to loopback, 169.254.170.2, 169.254.170.23 or [fd00:ec2::23], otherwise use https");
        }
        if (Get(ContainerTokenFile) is { } authFile && !Path.IsPathRooted(authFile))
            throw new StoreException($"AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE '{authFile}' must be an absolute path");
        return new ContainerIdentityCredentials(Get(ContainerTokenFile), fullUri ?? "http://169.254.170.2" + Get(ContainerRelativeUri));
    }

    /// <summary>Where the SDK sends AssumeRoleWithWebIdentity, for messages.</summary>
    private static string StsEndpoint(Func<string, string?> get) =>
        get("AWS_ENDPOINT_URL_STS") ?? get("AWS_ENDPOINT_URL") ?? $"https://sts.{get("AWS_REGION") ?? get("AWS_DEFAULT_REGION") ?? "us-east-1"}.amazonaws.com";

    /// <summary>STS AssumeRoleWithWebIdentity RoleSessionName: 2-64 of [\w+=,.@-]
    /// (https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRoleWithWebIdentity.html).</summary>
    [GeneratedRegex(@"^[\w+=,.@-]{2,64}$")]
    private static partial Regex SessionNamePattern();

    /// <summary>The token file's text, or a <see cref="StoreException"/> naming the variable and
    /// the file (never its contents).</summary>
    internal static string ReadToken(string variable, string file, string what)
    {
        try
        {
            var token = File.ReadAllText(file).Trim();
            if (token.Length == 0) throw new StoreException($"{what}: the token file {file} ({variable}) is empty; check the pod's projected service account token volume");
            return token;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            var why = e is FileNotFoundException or DirectoryNotFoundException ? "does not exist" : $"cannot be read ({e.Message})";
            throw new StoreException($"{what}: the token file {file} ({variable}) {why}; check the pod's projected service account token volume", e);
        }
    }

    /// <summary>The message of <paramref name="e"/>'s innermost cause with <paramref name="secret"/> cut out.</summary>
    internal static string Cause(Exception e, string? secret)
    {
        while (e.InnerException is not null && e is not AmazonServiceException { ErrorCode: not null }) e = e.InnerException;
        var text = e is AmazonServiceException { ErrorCode: { } code } s ? $"{(int)s.StatusCode} {code}: {s.Message}" : e.Message;
        return string.IsNullOrEmpty(secret) ? text : text.Replace(secret, "<token>", StringComparison.Ordinal);
    }
}
