using Azure.Storage.Blobs;

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

    /// <summary>Blob Storage keeps an abandoned upload's blocks (uncommitted, never readable) until the
    /// next commit of the name or a week; what must never happen is a committed blob that is not a
    /// whole archive, which <see cref="CrashScene.AssertArchivedExactlyOnceAsync"/> checks blob by blob.</summary>
    protected override Task AssertNoOpenUploadAsync(string context) => Task.CompletedTask;
}
