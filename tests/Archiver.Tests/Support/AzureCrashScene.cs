using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Xunit;

namespace Archiver.Tests.Support;

/// <summary>A <see cref="CrashScene"/> sweeping into a fresh container on Azurite; the binary gets the
/// account's name and key as <c>AZURE_STORAGE_ACCOUNT</c>/<c>AZURE_STORAGE_KEY</c>, as a pod would.</summary>
public sealed class AzureCrashScene : CrashScene
{
    private readonly BlobContainerClient _container;

    private AzureCrashScene(AzuriteServer server, string dir, string container, string storeOptions)
        : base(dir, server.StoreUrl(container, "", storeOptions), server.Environment())
    {
        _container = server.CreateClient().GetBlobContainerClient(container);
    }

    public static async Task<AzureCrashScene> CreateAsync(AzuriteServer server, string dir, IReadOnlyList<string> pods, int mibEach, string storeOptions)
    {
        var scene = new AzureCrashScene(server, dir, await server.CreateContainerAsync("crash"), storeOptions);
        scene.AddPods(pods, mibEach);
        return scene;
    }

    public override async Task<List<string>> ObjectKeysAsync()
    {
        var names = new List<string>();
        await foreach (var b in _container.GetBlobsAsync()) names.Add(b.Name);
        return names;
    }

    protected override Task DownloadToAsync(string key, string path) => _container.GetBlobClient(key).DownloadToAsync(path);

    /// <summary>Blob Storage has no request that drops staged blocks: they go when the name is next
    /// committed, or a week after staging (https://learn.microsoft.com/rest/api/storageservices/put-block-list).
    /// An upload the clean sweep resumed is committed under the journal's key, so no name may be left
    /// with staged blocks and no committed blob (List Blobs with <c>include=uncommittedblobs</c>).</summary>
    protected override async Task AssertNoOpenUploadAsync(string context)
    {
        var committed = (await ObjectKeysAsync()).ToHashSet(StringComparer.Ordinal);
        var staged = new List<string>();
        await foreach (var b in _container.GetBlobsAsync(new GetBlobsOptions { States = BlobStates.Uncommitted }))
        {
            if (!committed.Contains(b.Name)) staged.Add(b.Name);
        }
        Assert.True(staged.Count == 0, $"{context}: blocks staged and never committed under {string.Join(", ", staged)}");
    }
}
