using Archiver.Stores;
using Archiver.Tests.Support;
using Azure.Storage.Blobs.Models;
using Xunit;

namespace Archiver.Tests.Stores.Azure;

/// <summary>Access tiers, rehydration and immutability on Azurite: what the store sends and what the
/// emulator does with it. Azurite keeps a blob's tier, refuses to read an Archive-tier blob as Blob
/// Storage does (409 BlobArchived) and answers a rehydration 202 Accepted, but then moves the blob to Hot
/// at once (Blob Storage takes up to 15 hours); it has no version-level immutability.</summary>
[Collection("azurite")]
public sealed class AzureTierAndLockTests(AzuriteServer server)
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task Upload_TierCool_ArchiveAndManifestStoredCool()
    {
        var container = await server.CreateContainerAsync("tier");
        await using var store = server.CreateStore(server.StoreUrl(container, "p", "tier=Cool"));

        await UploadAsync(store, "a.tar.gz", 1000);
        await store.PutAsync("a.tar.gz.manifest.json", "{}"u8.ToArray(), None);

        foreach (var name in new[] { "p/a.tar.gz", "p/a.tar.gz.manifest.json" })
            Assert.Equal(AccessTier.Cool.ToString(), (await Blob(container, name).GetPropertiesAsync()).Value.AccessTier);
    }

    [Fact]
    public async Task TierArchive_ReadRefusedWithThawCommand_ThawMakesItReadable()
    {
        var container = await server.CreateContainerAsync("arch");
        await using var store = server.CreateStore(server.StoreUrl(container, "p", "tier=Archive"));
        var bytes = await UploadAsync(store, "n/a.tar.gz", 5000);
        await store.PutAsync("n/a.tar.gz.manifest.json", "{}"u8.ToArray(), None);
        Assert.Equal(AccessTier.Archive.ToString(), (await Blob(container, "p/n/a.tar.gz").GetPropertiesAsync()).Value.AccessTier);

        var refused = await Assert.ThrowsAsync<ArchivedObjectException>(() => store.OpenReadAsync("n/a.tar.gz", None));
        Assert.Contains("--thaw", refused.Message);
        Assert.DoesNotContain("under way", refused.Message);
        // The manifest stays readable: it is never written to the Archive tier.
        await using (var manifest = await store.OpenReadAsync("n/a.tar.gz.manifest.json", None))
            Assert.Equal((byte)'{', manifest.ReadByte());

        var thaw = await store.ThawAsync("n/a.tar.gz", ThawStatus.DefaultDays, None);

        // Set Blob Tier answered 202 Accepted, as Blob Storage does when a rehydration starts.
        Assert.Equal(ThawState.Requested, thaw.State);
        Assert.Equal("up to 15 hours", thaw.Estimate);
        // Azurite then has the blob in Hot at once (Blob Storage: Archive with archive status
        // rehydrate-pending-to-hot for up to 15 hours, which the store reports as InProgress).
        Assert.Equal(AccessTier.Hot.ToString(), (await Blob(container, "p/n/a.tar.gz").GetPropertiesAsync()).Value.AccessTier);
        Assert.Equal(ThawState.NotArchived, (await store.ThawAsync("n/a.tar.gz", ThawStatus.DefaultDays, None)).State);
        await using var read = await store.OpenReadAsync("n/a.tar.gz", None);
        using var copy = new MemoryStream();
        await read.CopyToAsync(copy);
        Assert.Equal(bytes, copy.ToArray());
    }

    [Fact]
    public async Task ObjectLockMode_ContainerWithoutVersionLevelImmutability_RefusedBeforeAnyWrite()
    {
        var container = await server.CreateContainerAsync("lock");
        await using var store = server.CreateStore(server.StoreUrl(container, "p", "objectLockMode=COMPLIANCE&objectLockFor=30d"));

        var e = await Assert.ThrowsAsync<ConfigurationException>(() => store.CheckSetupAsync(None));

        Assert.Contains($"container '{container}' has no version-level immutability support", e.Message);
        Assert.Contains("remove objectLockMode", e.Message);
    }

    private global::Azure.Storage.Blobs.BlobClient Blob(string container, string name) =>
        server.CreateClient().GetBlobContainerClient(container).GetBlobClient(name);

    private static async Task<byte[]> UploadAsync(IArchiveStore store, string key, int length)
    {
        var bytes = new byte[length];
        new Random(length).NextBytes(bytes);
        await using var upload = await store.BeginUploadAsync(key, None);
        await Task.Run(() => upload.Content.Write(bytes));
        await upload.CompleteAsync(None);
        return bytes;
    }
}
