using System.Security.Cryptography.X509Certificates;
using Archiver.Stores;
using Archiver.Stores.Azure;
using Azure.Storage.Blobs;
using Xunit;

namespace Archiver.Tests.Support;

/// <summary>Tests that talk to Azurite share one: mark the class <c>[Collection("azurite")]</c> and take
/// an <see cref="AzuriteServer"/> in the constructor.</summary>
[CollectionDefinition("azurite")]
public sealed class AzuriteCollection : ICollectionFixture<AzuriteServer>;

/// <summary>
/// Azure Blob Storage for tests: Azurite, the emulator Microsoft publishes, on loopback.
/// <list type="bullet">
/// <item>When <c>ARCHIVER_TEST_AZURE_ENDPOINT</c> (and <c>_ACCOUNT</c>, <c>_KEY</c>) are set, those are
/// used: an Azurite the test script started once for the whole run, or a real storage account (then
/// <c>ARCHIVER_TEST_AZURE_ENDPOINT=https://ACCOUNT.blob.core.windows.net</c>).</item>
/// <item>Otherwise it starts Azurite with <c>tests/azure/azurite.sh start</c> into a temp dir and stops it
/// when the tests end.</item>
/// </list>
/// It never skips: when no Azurite can be had, every test using it fails with the script's message.
/// Stores are made with credentials passed as an environment of their own (<see cref="Environment"/>),
/// never the process's, so parallel tests cannot leak them.
/// </summary>
public sealed class AzuriteServer : IAsyncLifetime
{
    private string? _ownedDir;

    public string Account { get; private set; } = "";
    public string Key { get; private set; } = "";
    /// <summary>The blob service URL (Azurite: <c>http://127.0.0.1:PORT/devstoreaccount1</c>).</summary>
    public string Endpoint { get; private set; } = "";
    /// <summary>Azurite with <c>--oauth basic</c> over HTTPS (Entra ID bearer tokens); empty on a real account.</summary>
    public string OAuthEndpoint { get; private set; } = "";
    private string? _oauthCert;

    /// <summary>The HTTPS Azurite's self-signed certificate (PEM), e.g. for <c>SSL_CERT_FILE</c>.</summary>
    public string OAuthCertificate => _oauthCert is { Length: > 0 } c ? c : throw new InvalidOperationException("ARCHIVER_TEST_AZURE_OAUTH_CERT is not set (tests/azure/azurite.sh writes it to DIR/env)");

    public async Task InitializeAsync()
    {
        Func<string, string?> env = System.Environment.GetEnvironmentVariable;
        if (env("ARCHIVER_TEST_AZURE_ENDPOINT") is not { Length: > 0 })
        {
            _ownedDir = Path.Combine(Path.GetTempPath(), $"archiver-azurite-{Guid.NewGuid():N}"[..34]);
            var r = await ProcessRunner.RunAsync("bash", [ScriptPath(), "start", _ownedDir], timeout: TimeSpan.FromMinutes(10));
            if (r.ExitCode != 0) throw new InvalidOperationException($"could not start Azurite (azurite.sh start exited {r.ExitCode}):\n{r}");
            var vars = EnvFile.Read(Path.Combine(_ownedDir, "env"));
            env = k => vars.GetValueOrDefault(k);
        }
        Endpoint = env("ARCHIVER_TEST_AZURE_ENDPOINT")!.TrimEnd('/');
        Account = env("ARCHIVER_TEST_AZURE_ACCOUNT") ?? throw new InvalidOperationException("ARCHIVER_TEST_AZURE_ACCOUNT is not set");
        Key = env("ARCHIVER_TEST_AZURE_KEY") ?? throw new InvalidOperationException("ARCHIVER_TEST_AZURE_KEY is not set");
        OAuthEndpoint = env("ARCHIVER_TEST_AZURE_OAUTH_ENDPOINT")?.TrimEnd('/') ?? "";
        _oauthCert = env("ARCHIVER_TEST_AZURE_OAUTH_CERT");
        ConnectionStringFile = Path.Combine(Path.GetTempPath(), $"archiver-azure-connection-{Guid.NewGuid():N}");
        await File.WriteAllTextAsync(ConnectionStringFile, ConnectionString);
    }

    /// <summary>A file holding <see cref="ConnectionString"/>, for in-process CLI runs (<see cref="CliStoreUrl"/>).</summary>
    public string ConnectionStringFile { get; private set; } = "";

    public async Task DisposeAsync()
    {
        if (File.Exists(ConnectionStringFile)) File.Delete(ConnectionStringFile);
        if (_ownedDir is null) return;
        await ProcessRunner.RunAsync("bash", [ScriptPath(), "stop", _ownedDir], timeout: TimeSpan.FromMinutes(2));
        try
        {
            Directory.Delete(_ownedDir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>The connection string Azure tools take for this account.</summary>
    public string ConnectionString => $"DefaultEndpointsProtocol=http;AccountName={Account};AccountKey={Key};BlobEndpoint={Endpoint};";

    /// <summary>The environment a process (or a store provider) gets: the account's name and key.</summary>
    public Dictionary<string, string> Environment() => new()
    {
        [AzureCredentialChain.AccountVariable] = Account,
        [AzureCredentialChain.KeyVariable] = Key,
    };

    /// <summary>A client for the account with its key.</summary>
    public BlobServiceClient CreateClient() => new(ConnectionString);

    /// <summary>Creates an empty container with a fresh name and returns the name.</summary>
    public async Task<string> CreateContainerAsync(string prefix = "t")
    {
        var name = $"{prefix}-{Guid.NewGuid():N}"[..Math.Min(40, prefix.Length + 33)].ToLowerInvariant();
        await CreateClient().GetBlobContainerClient(name).CreateAsync();
        return name;
    }

    /// <summary><c>azblob://CONTAINER/PREFIX?endpoint=…</c> plus <paramref name="extra"/> (e.g. <c>"partSize=5MiB"</c>).</summary>
    public string StoreUrl(string container, string prefix = "", string? extra = null) =>
        $"azblob://{container}/{prefix}?endpoint={Uri.EscapeDataString(Endpoint)}" + (extra is null ? "" : "&" + extra);

    /// <summary>Creates an empty container on the HTTPS, OAuth-enabled Azurite (with the account key) and returns its name.</summary>
    public async Task<string> CreateOAuthContainerAsync(string prefix = "t")
    {
        if (OAuthEndpoint.Length == 0) throw new InvalidOperationException("ARCHIVER_TEST_AZURE_OAUTH_ENDPOINT is not set (tests/azure/azurite.sh writes it to DIR/env)");
        var name = $"{prefix}-{Guid.NewGuid():N}"[..Math.Min(40, prefix.Length + 33)].ToLowerInvariant();
        await OAuthClient().GetBlobContainerClient(name).CreateAsync();
        return name;
    }

    /// <summary>A client for the HTTPS, OAuth-enabled Azurite with the account key.</summary>
    public BlobServiceClient OAuthClient() =>
        new(new Uri(OAuthEndpoint), new global::Azure.Storage.StorageSharedKeyCredential(Account, Key),
            new BlobClientOptions { Transport = new global::Azure.Core.Pipeline.HttpClientTransport(TrustingClient()) });

    /// <summary><see cref="StoreUrl"/> with the account's connection string in a file named in the URL:
    /// what in-process CLI runs use, so that they never share environment variables.</summary>
    public string CliStoreUrl(string container, string prefix = "", string? extra = null) =>
        StoreUrl(container, prefix, $"connectionStringFile={Uri.EscapeDataString(ConnectionStringFile)}" + (extra is null ? "" : "&" + extra));

    /// <summary>A store made as the binary makes it, with <paramref name="environment"/> (default: the
    /// account's name and key) as its whole environment.</summary>
    public IArchiveStore CreateStore(string url, IReadOnlyDictionary<string, string>? environment = null, TimeProvider? clock = null, HttpClient? http = null)
    {
        var env = environment ?? Environment();
        var provider = new AzureStoreProvider(k => env.GetValueOrDefault(k), clock, http);
        var uri = new Uri(url);
        var options = uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2))
            .ToDictionary(p => Uri.UnescapeDataString(p[0]), p => p.Length > 1 ? Uri.UnescapeDataString(p[1]) : "");
        return provider.Create(uri, options);
    }

    /// <summary>An HTTP client that trusts the HTTPS Azurite's self-signed certificate (and only it).</summary>
    public HttpClient TrustingClient()
    {
        if (string.IsNullOrEmpty(_oauthCert)) throw new InvalidOperationException("ARCHIVER_TEST_AZURE_OAUTH_CERT is not set (tests/azure/azurite.sh writes it to DIR/env)");
        var trusted = X509CertificateLoader.LoadCertificateFromFile(_oauthCert);
        return new HttpClient(new SocketsHttpHandler
        {
            SslOptions = { RemoteCertificateValidationCallback = (_, cert, _, errors) => errors == System.Net.Security.SslPolicyErrors.None || cert is not null && cert.GetRawCertData().AsSpan().SequenceEqual(trusted.RawData) },
        });
    }

    /// <summary>tests/azure/azurite.sh in this repository.</summary>
    public static string ScriptPath() => RepoRoot.Combine("tests", "azure", "azurite.sh");
}
