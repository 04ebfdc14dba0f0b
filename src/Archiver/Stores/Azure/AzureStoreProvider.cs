using Archiver.Policies;
using Azure.Core.Pipeline;
using Azure.Storage.Blobs;

namespace Archiver.Stores.Azure;

/// <summary><c>azblob://CONTAINER/PREFIX</c>: Azure Blob Storage (and Azurite). Options: see
/// <see cref="AzureStoreOptions"/>; credentials: <see cref="AzureCredentialChain"/>; docs/stores.md.</summary>
/// <param name="http">For tests: the HTTP client for Blob Storage and token requests (e.g. one that
/// trusts a test server's certificate).</param>
public sealed class AzureStoreProvider(Func<string, string?>? environment = null, TimeProvider? clock = null, HttpClient? http = null) : IStoreProvider
{
    private readonly Func<string, string?> _environment = environment ?? Environment.GetEnvironmentVariable;

    public string Scheme => "azblob";

    /// <summary>The URL and options only: credentials are the node's, checked when the store is made
    /// (so <c>policies validate</c> works where they are not set, as for the other stores).</summary>
    public IEnumerable<string> Validate(Uri url, IReadOnlyDictionary<string, string> options)
    {
        var problems = new List<string>();
        AzureStoreOptions.Parse(url, options, problems);
        return problems;
    }

    /// <summary>Refuses, before anything runs, options with problems and an environment with no usable
    /// credentials (naming every variable looked for).</summary>
    public IArchiveStore Create(Uri url, IReadOnlyDictionary<string, string> options)
    {
        var problems = new List<string>();
        var parsed = AzureStoreOptions.Parse(url, options, problems);
        if (problems.Count == 0) problems.AddRange(AzureCredentialChain.Check(parsed, _environment));
        if (problems.Count > 0) throw new ConfigurationException(problems.Select(p => new PolicyProblem("store", 0, p)).ToList());
        var clientOptions = new BlobClientOptions();
        clientOptions.Retry.MaxRetries = parsed.Retries;
        clientOptions.Retry.NetworkTimeout = parsed.Timeout;
        clientOptions.Diagnostics.IsLoggingEnabled = false;
        clientOptions.Diagnostics.IsDistributedTracingEnabled = false;
        clientOptions.Diagnostics.IsTelemetryEnabled = false;
        if (http is not null) clientOptions.Transport = new HttpClientTransport(http);
        try
        {
            var container = AzureCredentialChain.CreateContainerClient(parsed, _environment, clientOptions, clock ?? TimeProvider.System, http);
            return new AzureArchiveStore(parsed, container, clock ?? TimeProvider.System);
        }
        catch (Exception e) when (e is StoreException or FormatException or ArgumentException)
        {
            throw new ConfigurationException($"{parsed.Location}: {e.Message}");
        }
    }
}
