using Azure;
using Azure.Core;
using Azure.Storage;
using Azure.Storage.Blobs;

namespace Archiver.Stores.Azure;

/// <summary>
/// Azure Blob Storage credentials, the first that is configured of, in the order the Azure tools
/// use them: a connection string (the store's <c>connectionStringFile</c>, else
/// <c>AZURE_STORAGE_CONNECTION_STRING</c>); the account's name and key
/// (<c>AZURE_STORAGE_ACCOUNT</c>, <c>AZURE_STORAGE_KEY</c>, the <c>az</c> CLI's names); a SAS token
/// (<c>AZURE_STORAGE_SAS_TOKEN</c>); Microsoft Entra ID through AKS Workload Identity
/// (<c>AZURE_CLIENT_ID</c>, <c>AZURE_TENANT_ID</c>, <c>AZURE_FEDERATED_TOKEN_FILE</c>, optional
/// <c>AZURE_AUTHORITY_HOST</c>: <see cref="WorkloadIdentityCredential"/>); the node's managed identity
/// when the store says <c>identity: managed</c> (<see cref="ManagedIdentityCredential"/>). Which one
/// is picked is decided from the environment alone, so a store with none is refused before anything
/// runs. Messages name variables, never values.
/// </summary>
public static class AzureCredentialChain
{
    public const string ConnectionStringVariable = "AZURE_STORAGE_CONNECTION_STRING";
    public const string AccountVariable = "AZURE_STORAGE_ACCOUNT";
    public const string KeyVariable = "AZURE_STORAGE_KEY";
    public const string SasVariable = "AZURE_STORAGE_SAS_TOKEN";

    public const string NoneFound = "no Azure credentials: set AZURE_STORAGE_CONNECTION_STRING; or AZURE_STORAGE_ACCOUNT and AZURE_STORAGE_KEY; "
        + "or AZURE_STORAGE_SAS_TOKEN; or Workload Identity (AZURE_CLIENT_ID, AZURE_TENANT_ID, AZURE_FEDERATED_TOKEN_FILE); "
        + "or the store option identity: managed for the node's managed identity (docs/stores.md)";

    /// <summary>Which credential the environment gives, or why none is usable (every problem).</summary>
    public static IReadOnlyList<string> Check(AzureStoreOptions o, Func<string, string?> environment)
    {
        var problems = new List<string>();
        Pick(o, environment, problems);
        return problems;
    }

    /// <summary>A client for the store's container with the first configured credential. Throws
    /// <see cref="StoreException"/> naming what is missing.</summary>
    public static BlobContainerClient CreateContainerClient(AzureStoreOptions o, Func<string, string?> environment, BlobClientOptions clientOptions, TimeProvider clock, HttpClient? tokenHttp = null)
    {
        var problems = new List<string>();
        var kind = Pick(o, environment, problems);
        if (problems.Count > 0) throw new StoreException(string.Join("; ", problems));
        string? Env(string name) => environment(name) is { Length: > 0 } v ? v : null;
        var account = Account(o, environment);
        switch (kind)
        {
            case Kind.ConnectionString:
                var connectionString = ConnectionString(o, environment)!;
                var service = new BlobServiceClient(connectionString, clientOptions);
                // An endpoint option wins over the connection string's (same account, another address).
                return o.Endpoint is null
                    ? service.GetBlobContainerClient(o.Container)
                    : new BlobContainerClient(ContainerUri(o, service.AccountName), new StorageSharedKeyCredential(service.AccountName, ConnectionStringKey(connectionString)), clientOptions);
            case Kind.SharedKey:
                return new BlobContainerClient(ContainerUri(o, account!), new StorageSharedKeyCredential(account, Env(KeyVariable)), clientOptions);
            case Kind.Sas:
                return new BlobContainerClient(ContainerUri(o, account!), new AzureSasCredential(Env(SasVariable)!.TrimStart('?')), clientOptions);
            case Kind.WorkloadIdentity:
                return new BlobContainerClient(ContainerUri(o, account!), new WorkloadIdentityCredential(WorkloadIdentitySettings.FromEnvironment(environment)!, clock, tokenHttp), clientOptions);
            default:
                return new BlobContainerClient(ContainerUri(o, account!), new ManagedIdentityCredential(Env(WorkloadIdentitySettings.ClientIdVariable), tokenHttp, ManagedIdentityCredential.EndpointFrom(environment)), clientOptions);
        }
    }

    /// <summary>For people and logs: which credential a store uses.</summary>
    public static string Describe(AzureStoreOptions o, Func<string, string?> environment) => Pick(o, environment, []) switch
    {
        Kind.ConnectionString => o.ConnectionStringFile ?? ConnectionStringVariable,
        Kind.SharedKey => $"{AccountVariable}/{KeyVariable}",
        Kind.Sas => SasVariable,
        Kind.WorkloadIdentity => "Workload Identity",
        _ => "managed identity",
    };

    private enum Kind
    {
        ConnectionString,
        SharedKey,
        Sas,
        WorkloadIdentity,
        ManagedIdentity,
    }

    private static Kind Pick(AzureStoreOptions o, Func<string, string?> environment, List<string> problems)
    {
        bool Set(string name) => !string.IsNullOrEmpty(environment(name));
        if (o.ConnectionStringFile is { } file && !File.Exists(file))
        {
            problems.Add($"connectionStringFile {file} does not exist; fix the store's connectionStringFile option");
            return Kind.ConnectionString;
        }
        if (ConnectionString(o, environment) is { } connectionString)
        {
            if (ConnectionStringKey(connectionString) is null && o.Endpoint is not null)
                problems.Add($"the connection string ({o.ConnectionStringFile ?? ConnectionStringVariable}) has no AccountKey=, which the endpoint option needs; remove the endpoint option or give the key");
            return Kind.ConnectionString;
        }
        Kind kind;
        if (Set(KeyVariable)) kind = Kind.SharedKey;
        else if (Set(SasVariable)) kind = Kind.Sas;
        else if (WorkloadIdentitySettings.AnySet(environment))
        {
            problems.AddRange(WorkloadIdentitySettings.Problems(environment));
            kind = Kind.WorkloadIdentity;
        }
        else if (o.ManagedIdentity) kind = Kind.ManagedIdentity;
        else
        {
            problems.Add(NoneFound);
            return Kind.ManagedIdentity;
        }
        if (Account(o, environment) is null)
            problems.Add($"azblob store needs the storage account's name: the store option account, or {AccountVariable}");
        return kind;
    }

    private static string? ConnectionString(AzureStoreOptions o, Func<string, string?> environment)
    {
        if (o.ConnectionStringFile is { } file) return File.Exists(file) ? File.ReadAllText(file).Trim() : null;
        return environment(ConnectionStringVariable) is { Length: > 0 } v ? v : null;
    }

    private static string? Account(AzureStoreOptions o, Func<string, string?> environment) =>
        o.Account ?? (environment(AccountVariable) is { Length: > 0 } a ? a : null) ?? AccountOfEndpoint(o.Endpoint);

    /// <summary>The account in an endpoint: the host's first label on Azure
    /// (<c>ACCOUNT.blob.core.windows.net</c>), the path's first segment for Azurite's IP-style URLs.</summary>
    private static string? AccountOfEndpoint(Uri? endpoint)
    {
        if (endpoint is null) return null;
        var segment = endpoint.AbsolutePath.Trim('/').Split('/')[0];
        if (segment.Length > 0) return segment;
        var dot = endpoint.Host.IndexOf('.');
        return dot > 0 && !System.Net.IPAddress.TryParse(endpoint.Host, out _) ? endpoint.Host[..dot] : null;
    }

    private static Uri ContainerUri(AzureStoreOptions o, string account) =>
        new($"{o.ServiceUri(account).AbsoluteUri.TrimEnd('/')}/{o.Container}");

    private static string? ConnectionStringKey(string connectionString) =>
        connectionString.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(p => p.Split('=', 2))
            .Where(p => p.Length == 2 && p[0].Equals("AccountKey", StringComparison.OrdinalIgnoreCase))
            .Select(p => p[1])
            .FirstOrDefault();
}
