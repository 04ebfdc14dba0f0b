using Archiver.Stores;
using Archiver.Stores.Azure;
using Archiver.Tests.Support;
using Azure.Storage.Sas;
using Xunit;

namespace Archiver.Tests.Stores.Azure;

/// <summary>The credential chain on Azurite: each kind works on its own, the first configured wins
/// (the others may be wrong), a wrong one fails naming what to fix, and none at all is refused
/// before anything runs, naming every variable looked for.</summary>
[Collection("azurite")]
public sealed class AzureCredentialChainTests(AzuriteServer server)
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task ConnectionString_WinsOverAWrongAccountKey()
    {
        var container = await server.CreateContainerAsync("cs");
        var env = new Dictionary<string, string>
        {
            [AzureCredentialChain.ConnectionStringVariable] = server.ConnectionString,
            [AzureCredentialChain.AccountVariable] = server.Account,
            [AzureCredentialChain.KeyVariable] = Convert.ToBase64String(new byte[64]),
        };
        await using var store = server.CreateStore($"azblob://{container}/p", env);

        await AssertWritesAndReadsAsync(store);
    }

    [Fact]
    public async Task AccountKey_WinsOverAWrongSasToken()
    {
        var container = await server.CreateContainerAsync("key");
        var env = server.Environment();
        env[AzureCredentialChain.SasVariable] = "sv=2020-01-01&sig=bogus";
        await using var store = server.CreateStore(server.StoreUrl(container, "p"), env);

        await AssertWritesAndReadsAsync(store);
    }

    [Fact]
    public async Task SasToken_ContainerSasOnly_WritesAndReads()
    {
        var container = await server.CreateContainerAsync("sas");
        var sas = server.CreateClient().GetBlobContainerClient(container).GenerateSasUri(
            BlobContainerSasPermissions.Read | BlobContainerSasPermissions.Write | BlobContainerSasPermissions.List | BlobContainerSasPermissions.Delete | BlobContainerSasPermissions.Create,
            DateTimeOffset.UtcNow.AddHours(1));
        var env = new Dictionary<string, string> { [AzureCredentialChain.SasVariable] = sas.Query };
        await using var store = server.CreateStore(server.StoreUrl(container, "p"), env);

        await AssertWritesAndReadsAsync(store);
    }

    [Fact]
    public async Task AccountKey_Wrong_FailsSayingTheCredentialsWereNotAccepted()
    {
        var container = await server.CreateContainerAsync("bad");
        var env = server.Environment();
        env[AzureCredentialChain.KeyVariable] = Convert.ToBase64String(new byte[64]);
        await using var store = server.CreateStore(server.StoreUrl(container, "p"), env);

        var e = await Assert.ThrowsAsync<StoreException>(() => store.PutAsync("x.json", "{}"u8.ToArray(), None));

        Assert.Contains($"{container}/p/x.json", e.Message);
        Assert.Contains("did not accept the credentials", e.Message);
        Assert.DoesNotContain(env[AzureCredentialChain.KeyVariable], e.Message);
    }

    [Fact]
    public void NoCredentials_RefusedUpFrontNamingEveryVariable()
    {
        var e = Assert.Throws<ConfigurationException>(() => server.CreateStore("azblob://archives/p", new Dictionary<string, string>()));

        foreach (var v in new[] { "AZURE_STORAGE_CONNECTION_STRING", "AZURE_STORAGE_ACCOUNT", "AZURE_STORAGE_KEY", "AZURE_STORAGE_SAS_TOKEN", "AZURE_CLIENT_ID", "AZURE_TENANT_ID", "AZURE_FEDERATED_TOKEN_FILE", "identity: managed" })
            Assert.Contains(v, e.Message);
    }

    [Fact]
    public void Options_EveryProblemReportedAtOnceAndCredentialsLeftToTheNode()
    {
        var problems = new AzureStoreProvider(_ => null).Validate(new Uri("azblob://Ab/p"), new Dictionary<string, string>
        {
            ["tier"] = "Warm",
            ["partSize"] = "10KiB",
            ["colour"] = "blue",
            ["objectLockMode"] = "COMPLIANCE",
            ["endpoint"] = "ftp://x",
            ["bandwidth"] = "fast",
        }).ToList();

        Assert.Contains(problems, p => p.Contains("container 'ab' is not a valid container name", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("tier 'Warm' must be one of Hot, Cool, Cold, Archive", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("partSize '10KiB'", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("no option 'colour'", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("objectLockMode and objectLockFor go together", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("endpoint 'ftp://x'", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("bandwidth 'fast' must be bytes per second", StringComparison.Ordinal));
        Assert.DoesNotContain(problems, p => p.Contains("credentials", StringComparison.Ordinal));
    }

    private static async Task AssertWritesAndReadsAsync(IArchiveStore store)
    {
        await store.PutAsync("n/a.json", "{\"a\":1}"u8.ToArray(), None);
        await using var read = await store.OpenReadAsync("n/a.json", None);
        using var copy = new MemoryStream();
        await read.CopyToAsync(copy);
        Assert.Equal("{\"a\":1}"u8.ToArray(), copy.ToArray());
        Assert.Equal(7, (await store.StatAsync("n/a.json", None))!.Size);
    }
}
