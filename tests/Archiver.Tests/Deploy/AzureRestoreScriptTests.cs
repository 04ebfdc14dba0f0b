using Archiver.Tests.Restore;
using Archiver.Tests.Support;
using Azure.Storage.Sas;
using Xunit;

namespace Archiver.Tests.Deploy;

/// <summary>
/// <c>deploy/restore.sh azblob://CONTAINER/KEY</c> on Azurite: with the Azure CLI (Debian's
/// azure-cli, which tests/azure/azurite.sh installs) and a connection string, and without it (curl
/// and a read-only SAS token): the archive comes back exactly and is checked against its manifest;
/// a corrupt one is refused before anything is written.
/// </summary>
[Collection("azurite")]
public sealed class AzureRestoreScriptTests : IDisposable
{
    private readonly AzuriteServer _server;
    private readonly RestoreFixture _f = new("azscript");

    public AzureRestoreScriptTests(AzuriteServer server) => _server = server;

    private static string Script => RepoRoot.Combine("deploy", "restore.sh");

    [Fact]
    public async Task RestoreScript_AzCliWithConnectionString_RestoresTheExactTreeAndVerifiesTheHash()
    {
        var (container, key) = await ArchiveAndUploadAsync();
        var to = _f.Temp["restored"];

        var r = await ProcessRunner.RunAsync("sh", [Script, $"azblob://{container}/{key}", to, "--endpoint", _server.Endpoint],
            env: new Dictionary<string, string> { ["AZURE_STORAGE_CONNECTION_STRING"] = _server.ConnectionString, ["AZURE_CONFIG_DIR"] = _f.Temp.Sub("az") });

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("(verified)", r.Out);
        Assert.Empty(TreeComparison.Differences(Path.Combine(_f.Root, "web-0"), Path.Combine(to, "web-0")));
    }

    [Fact]
    public async Task RestoreScript_CurlWithSasToken_RestoresAndRefusesACorruptArchive()
    {
        var (container, key) = await ArchiveAndUploadAsync();
        var sas = _server.CreateClient().GetBlobContainerClient(container).GenerateSasUri(BlobContainerSasPermissions.Read, DateTimeOffset.UtcNow.AddHours(1)).Query;
        var env = new Dictionary<string, string> { ["AZURE_STORAGE_SAS_TOKEN"] = sas, ["PATH"] = PathWithoutAz() };
        var to = _f.Temp["restored"];

        var r = await ProcessRunner.RunAsync("sh", [Script, $"azblob://{container}/{key}", to, "--endpoint", _server.Endpoint], env: env);

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Empty(TreeComparison.Differences(Path.Combine(_f.Root, "web-0"), Path.Combine(to, "web-0")));

        var bytes = await File.ReadAllBytesAsync(Path.Combine(_f.StoreDir, key));
        bytes[bytes.Length / 2] ^= 0xFF;
        await _server.CreateClient().GetBlobContainerClient(container).GetBlobClient(key).UploadAsync(new BinaryData(bytes), overwrite: true);
        var corruptTo = _f.Temp["corrupt"];

        var corrupt = await ProcessRunner.RunAsync("sh", [Script, $"azblob://{container}/{key}", corruptTo, "--endpoint", _server.Endpoint], env: env);

        Assert.Equal(1, corrupt.ExitCode);
        Assert.Contains("but the manifest says", corrupt.Error);
        Assert.False(Directory.Exists(corruptTo));
    }

    private async Task<(string Container, string Key)> ArchiveAndUploadAsync()
    {
        AdversarialTree.Build(Directory.CreateDirectory(Path.Combine(_f.Root, "web-0")).FullName, withSparse: false);
        var key = await _f.ArchiveAsync("web-0");
        var container = await _server.CreateContainerAsync("restoresh");
        var client = _server.CreateClient().GetBlobContainerClient(container);
        foreach (var k in new[] { key, key + ".manifest.json" })
            await client.GetBlobClient(k).UploadAsync(Path.Combine(_f.StoreDir, k));
        return (container, key);
    }

    /// <summary>A PATH holding what restore.sh needs but no az: a directory of links to the system's tools.</summary>
    private string PathWithoutAz()
    {
        var bin = _f.Temp.Sub("bin-without-az");
        foreach (var tool in new[] { "sh", "sha256sum", "tar", "gzip", "sed", "tr", "wc", "mktemp", "rm", "mkdir", "ls", "cp", "curl", "cat" })
        {
            var found = new[] { "/usr/bin", "/bin", "/usr/local/bin" }.Select(d => Path.Combine(d, tool)).First(File.Exists);
            File.CreateSymbolicLink(Path.Combine(bin, tool), found);
        }
        return bin;
    }

    public void Dispose() => _f.Dispose();
}
