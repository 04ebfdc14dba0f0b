using System.Text.RegularExpressions;

namespace Archiver.Stores.Oss;

/// <summary>
/// RRSA (RAM Roles for Service Accounts, Alibaba ACK): what the ack-pod-identity-webhook injects
/// into a pod (<c>ALIBABA_CLOUD_ROLE_ARN</c>, <c>ALIBABA_CLOUD_OIDC_PROVIDER_ARN</c>,
/// <c>ALIBABA_CLOUD_OIDC_TOKEN_FILE</c>, and from webhook 0.4.0 <c>ALIBABA_CLOUD_STS_ENDPOINT</c>),
/// plus the STS endpoint and role session name chosen from them. Holds no secret: the token is
/// read from its file at each exchange.
/// </summary>
public sealed partial record RrsaSettings(string RoleArn, string OidcProviderArn, string TokenFile, Uri StsEndpoint, string SessionName)
{
    public const string RoleArnVariable = "ALIBABA_CLOUD_ROLE_ARN";
    public const string ProviderArnVariable = "ALIBABA_CLOUD_OIDC_PROVIDER_ARN";
    public const string TokenFileVariable = "ALIBABA_CLOUD_OIDC_TOKEN_FILE";
    public const string StsEndpointVariable = "ALIBABA_CLOUD_STS_ENDPOINT";
    public const string SessionNameVariable = "ALIBABA_CLOUD_ROLE_SESSION_NAME";

    /// <summary>The settings when any of the three RRSA variables is set; null when none is.
    /// Throws <see cref="StoreException"/> naming what is missing or malformed.</summary>
    public static RrsaSettings? FromEnvironment(Func<string, string?> environment, bool isInternal, string? region)
    {
        string? Get(string name) => environment(name) is { } v && v.Trim().Length > 0 ? v.Trim() : null;
        var names = new[] { RoleArnVariable, ProviderArnVariable, TokenFileVariable };
        var values = names.Select(Get).ToArray();
        if (values.All(v => v is null)) return null;
        var missing = names.Where((_, i) => values[i] is null).ToList();
        if (missing.Count > 0)
            throw new StoreException($"RRSA needs ALIBABA_CLOUD_ROLE_ARN, ALIBABA_CLOUD_OIDC_PROVIDER_ARN and ALIBABA_CLOUD_OIDC_TOKEN_FILE; {string.Join(" and ", missing)} not set (check that the ack-pod-identity-webhook injects them into the archiver pod)");
        var sessionName = Get(SessionNameVariable) ?? DefaultSessionName(Get("HOSTNAME"));
        return new(values[0]!, values[1]!, values[2]!, StsEndpointFor(Get(StsEndpointVariable), isInternal, region), sessionName);
    }

    /// <summary>
    /// <c>ALIBABA_CLOUD_STS_ENDPOINT</c> when set (a host name, reached over https, or a full
    /// http(s) URL for tests and private endpoints); else the VPC endpoint
    /// <c>sts-vpc.REGION.aliyuncs.com</c> for an <c>internal</c> store that knows its region; else
    /// the public <c>sts.aliyuncs.com</c>.
    /// </summary>
    public static Uri StsEndpointFor(string? configured, bool isInternal, string? region)
    {
        if (configured is not null)
        {
            var text = configured.Contains("://", StringComparison.Ordinal) ? configured : "https://" + configured;
            if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" && uri.Host.Length > 0
                && uri.AbsolutePath == "/" && uri.Query.Length == 0 && uri.UserInfo.Length == 0)
                return uri;
            throw new StoreException($"ALIBABA_CLOUD_STS_ENDPOINT '{configured}' must be a host name (e.g. sts-vpc.cn-hangzhou.aliyuncs.com) or an http:// or https:// URL without a path");
        }
        return isInternal && region is not null
            ? new Uri($"https://sts-vpc.{region}.aliyuncs.com")
            : new Uri("https://sts.aliyuncs.com");
    }

    /// <summary><c>archiver-HOSTNAME</c> (the pod's name) cut to STS's rules for RoleSessionName:
    /// 2 to 64 of <c>[a-zA-Z0-9.@_-]</c>.</summary>
    public static string DefaultSessionName(string? hostName)
    {
        var name = "archiver-" + SessionNameUnsafe().Replace(hostName ?? "", "-");
        name = name.TrimEnd('-');
        return name.Length > 64 ? name[..64] : name;
    }

    [GeneratedRegex("[^a-zA-Z0-9.@_-]")]
    private static partial Regex SessionNameUnsafe();
}
