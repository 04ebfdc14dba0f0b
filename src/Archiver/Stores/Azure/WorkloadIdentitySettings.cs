namespace Archiver.Stores.Azure;

/// <summary>
/// AKS Workload Identity, as its mutating webhook sets it up in a pod whose service account is
/// labelled <c>azure.workload.identity/use: "true"</c>: the application's client id, the tenant, the
/// projected service-account token (audience <c>api://AzureADTokenExchange</c>) and the Entra ID
/// authority (https://azure.github.io/azure-workload-identity/docs/topics/service-account-labels-and-annotations.html).
/// </summary>
public sealed record WorkloadIdentitySettings(string ClientId, string TenantId, string TokenFile, Uri AuthorityHost)
{
    public const string ClientIdVariable = "AZURE_CLIENT_ID";
    public const string TenantIdVariable = "AZURE_TENANT_ID";
    public const string TokenFileVariable = "AZURE_FEDERATED_TOKEN_FILE";
    public const string AuthorityHostVariable = "AZURE_AUTHORITY_HOST";
    public static readonly Uri PublicCloud = new("https://login.microsoftonline.com/");

    /// <summary>The token endpoint of the Microsoft identity platform (v2.0) for the tenant.</summary>
    public Uri TokenEndpoint => new(AuthorityHost, $"{Uri.EscapeDataString(TenantId)}/oauth2/v2.0/token");

    /// <summary>True when the pod looks set up for Workload Identity (its token file is named). A lone
    /// AZURE_CLIENT_ID is not enough: it also picks a user-assigned managed identity.</summary>
    public static bool AnySet(Func<string, string?> environment) =>
        !string.IsNullOrEmpty(environment(TokenFileVariable)) || !string.IsNullOrEmpty(environment(TenantIdVariable));

    public static IEnumerable<string> Problems(Func<string, string?> environment)
    {
        foreach (var v in new[] { ClientIdVariable, TenantIdVariable, TokenFileVariable })
            if (string.IsNullOrEmpty(environment(v)))
                yield return $"Workload Identity is half set up: {v} is missing (it needs {ClientIdVariable}, {TenantIdVariable} and {TokenFileVariable}; the webhook sets them when the pod's service account has the label azure.workload.identity/use: \"true\")";
        var authority = environment(AuthorityHostVariable);
        if (!string.IsNullOrEmpty(authority) && (!Uri.TryCreate(authority, UriKind.Absolute, out var u) || !(u.Scheme == "https" || u.Scheme == "http" && u.IsLoopback)))
            yield return $"{AuthorityHostVariable} must be an https:// URL (e.g. https://login.microsoftonline.com/; http:// only on loopback, for a local stand-in)";
    }

    public static WorkloadIdentitySettings? FromEnvironment(Func<string, string?> environment)
    {
        if (!AnySet(environment) || Problems(environment).Any()) return null;
        var authority = environment(AuthorityHostVariable) is { Length: > 0 } a ? new Uri(a.EndsWith('/') ? a : a + "/") : PublicCloud;
        return new WorkloadIdentitySettings(environment(ClientIdVariable)!, environment(TenantIdVariable)!, environment(TokenFileVariable)!, authority);
    }
}
