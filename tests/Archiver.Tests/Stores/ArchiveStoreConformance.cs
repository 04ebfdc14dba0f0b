using System.Security.Cryptography;
using Archiver.Stores;
using Xunit;

namespace Archiver.Tests.Stores;

/// <summary>
/// The one contract every store keeps (see <see cref="IArchiveStore"/>): put/stat/read/list/delete,
/// missing keys as values, overwrite rules, and interrupted writes that never look complete.
/// A backend's test class subclasses this and says how to make an empty store.
/// </summary>
public abstract class ArchiveStoreConformance
{
    /// <summary>A new, empty store (its own directory or bucket prefix).</summary>
    protected abstract Task<IArchiveStore> CreateStoreAsync();

    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task PutAsync_NewKey_StatAndReadReturnWhatWasPut()
    {
        await using var store = await CreateStoreAsync();
        var bytes = Data(1000, seed: 1);
        await store.PutAsync("a/b/c.json", bytes, None);
        var stat = await store.StatAsync("a/b/c.json", None);
        Assert.NotNull(stat);
        Assert.Equal("a/b/c.json", stat.Key);
        Assert.Equal(1000, stat.Size);
        Assert.Equal(bytes, await ReadAllAsync(store, "a/b/c.json"));
    }

    [Fact]
    public async Task PutAsync_ExistingKey_ReplacesContent()
    {
        await using var store = await CreateStoreAsync();
        await store.PutAsync("k.json", Data(500, 1), None);
        await store.PutAsync("k.json", Data(20, 2), None);
        Assert.Equal(Data(20, 2), await ReadAllAsync(store, "k.json"));
        Assert.Equal(20, (await store.StatAsync("k.json", None))!.Size);
    }

    [Fact]
    public async Task MissingKey_StatNullReadThrowsDeleteAndListQuiet()
    {
        await using var store = await CreateStoreAsync();
        Assert.Null(await store.StatAsync("nope/x.tar.gz", None));
        await Assert.ThrowsAsync<ObjectNotFoundException>(() => store.OpenReadAsync("nope/x.tar.gz", None));
        await store.DeleteAsync("nope/x.tar.gz", None);
        Assert.Empty(await ListAsync(store, "nope/"));
        Assert.Empty(await ListAsync(store, ""));
    }

    [Fact]
    public async Task DeleteAsync_ExistingKey_RemovesOnlyThatObject()
    {
        await using var store = await CreateStoreAsync();
        await store.PutAsync("d/one", Data(10, 1), None);
        await store.PutAsync("d/two", Data(10, 2), None);
        await store.DeleteAsync("d/one", None);
        Assert.Null(await store.StatAsync("d/one", None));
        Assert.Equal(["d/two"], (await ListAsync(store, "d/")).Select(o => o.Key));
    }

    [Fact]
    public async Task ListAsync_Prefix_ReturnsMatchingKeysRelativeAndInOrder()
    {
        await using var store = await CreateStoreAsync();
        foreach (var k in new[] { "n1/p/b.tar.gz", "n1/p/a.tar.gz", "n1/q/c.tar.gz", "n2/p/a.tar.gz" })
            await store.PutAsync(k, Data(k.Length, 3), None);
        var listed = await ListAsync(store, "n1/");
        Assert.Equal(["n1/p/a.tar.gz", "n1/p/b.tar.gz", "n1/q/c.tar.gz"], listed.Select(o => o.Key));
        Assert.All(listed, o => Assert.Equal(o.Key.Length, o.Size));
        Assert.Equal(4, (await ListAsync(store, "")).Count);
    }

    [Fact]
    public async Task Upload_Completed_VisibleWithEveryByteWritten()
    {
        await using var store = await CreateStoreAsync();
        var bytes = Data(12 << 20, seed: 4);
        await using var upload = await store.BeginUploadAsync("big/archive.tar.gz", None);
        Assert.False(string.IsNullOrEmpty(upload.UploadId));
        await Task.Run(() =>
        {
            for (var at = 0; at < bytes.Length; at += 100_003)
                upload.Content.Write(bytes, at, Math.Min(100_003, bytes.Length - at));
        });
        var stored = await upload.CompleteAsync(None);
        Assert.Equal(bytes.Length, stored.Size);
        Assert.Equal(bytes.Length, (await store.StatAsync("big/archive.tar.gz", None))!.Size);
        Assert.Equal(SHA256.HashData(bytes), SHA256.HashData(await ReadAllAsync(store, "big/archive.tar.gz")));
        Assert.Empty(await PendingAsync(store, ""));
    }

    [Fact]
    public async Task Upload_Empty_CompletesAsZeroByteObject()
    {
        await using var store = await CreateStoreAsync();
        await using var upload = await store.BeginUploadAsync("empty.tar.gz", None);
        var stored = await upload.CompleteAsync(None);
        Assert.Equal(0, stored.Size);
        Assert.Equal(0, (await store.StatAsync("empty.tar.gz", None))!.Size);
    }

    [Fact]
    public async Task Upload_BeforeComplete_NothingVisibleUnderKey()
    {
        await using var store = await CreateStoreAsync();
        await using var upload = await store.BeginUploadAsync("p/x.tar.gz", None);
        await Task.Run(() => upload.Content.Write(Data(6 << 20, 5)));
        Assert.Null(await store.StatAsync("p/x.tar.gz", None));
        Assert.Empty(await ListAsync(store, "p/"));
        await upload.AbortAsync(None);
    }

    [Fact]
    public async Task Upload_Aborted_LeavesNoObjectAndNoPendingUpload()
    {
        await using var store = await CreateStoreAsync();
        var upload = await store.BeginUploadAsync("p/x.tar.gz", None);
        await Task.Run(() => upload.Content.Write(Data(6 << 20, 6)));
        await upload.AbortAsync(None);
        await upload.DisposeAsync();
        Assert.Null(await store.StatAsync("p/x.tar.gz", None));
        await AssertAbortedLeftNothingAsync(store, "p/x.tar.gz");
    }

    [Fact]
    public async Task Upload_DisposedWithoutComplete_IsAborted()
    {
        await using var store = await CreateStoreAsync();
        await using (var upload = await store.BeginUploadAsync("p/y.tar.gz", None))
            await Task.Run(() => upload.Content.Write(Data(1000, 7)));
        Assert.Null(await store.StatAsync("p/y.tar.gz", None));
        await AssertAbortedLeftNothingAsync(store, "p/y.tar.gz");
    }

    [Fact]
    public async Task Upload_OverExistingKey_AbortKeepsOldCompleteReplaces()
    {
        await using var store = await CreateStoreAsync();
        await store.PutAsync("o.tar.gz", Data(100, 8), None);
        await using (var aborted = await store.BeginUploadAsync("o.tar.gz", None))
        {
            await Task.Run(() => aborted.Content.Write(Data(300, 9)));
            await aborted.AbortAsync(None);
        }
        Assert.Equal(Data(100, 8), await ReadAllAsync(store, "o.tar.gz"));
        await using var replacing = await store.BeginUploadAsync("o.tar.gz", None);
        await Task.Run(() => replacing.Content.Write(Data(300, 9)));
        await replacing.CompleteAsync(None);
        Assert.Equal(Data(300, 9), await ReadAllAsync(store, "o.tar.gz"));
    }

    [Fact]
    public async Task Upload_InterruptedByCrash_ListedPendingAndAbortableByItsId()
    {
        await using var store = await CreateStoreAsync();
        // A process that dies mid-upload neither completes nor aborts: the upload object is dropped.
        var crashed = await store.BeginUploadAsync("node/pod/dir.tar.gz", None);
        await Task.Run(() => crashed.Content.Write(Data(6 << 20, 10)));
        var pending = await PendingAsync(store, "node/");
        // Where the first part is the upload's first request, it is in flight now: wait for it to land.
        for (var waited = 0; pending.Count == 0 && !BeginCreatesUpload && waited < 100; waited++)
        {
            await Task.Delay(100);
            pending = await PendingAsync(store, "node/");
        }
        var p = Assert.Single(pending);
        Assert.Equal("node/pod/dir.tar.gz", p.Key);
        Assert.Equal(crashed.UploadId, p.UploadId);
        Assert.Null(await store.StatAsync("node/pod/dir.tar.gz", None));

        // The next run, knowing only the key and id from its journal:
        await store.AbortUploadAsync(p.Key, p.UploadId, None);
        Assert.Null(await store.StatAsync("node/pod/dir.tar.gz", None));
        await AssertAbortedLeftNothingAsync(store, "node/pod/dir.tar.gz");
        await store.AbortUploadAsync(p.Key, p.UploadId, None); // again: no error when already gone
        await crashed.DisposeAsync();
    }

    [Fact]
    public async Task AbortPendingUploads_CrashBeforeIdsWereRecorded_AbortsEveryUploadOfExactlyThatKey()
    {
        await using var store = await CreateStoreAsync();
        // A process died after the store created these (a retried create makes two) and before it
        // recorded their ids: the next run knows only the key.
        IObjectUpload[] lost = [await store.BeginUploadAsync("node/pod/dir-1.tar.gz", None), await store.BeginUploadAsync("node/pod/dir-1.tar.gz", None)];
        IObjectUpload[] others =
        [
            await store.BeginUploadAsync("node/pod/dir-1.tar.gz.manifest.json", None),
            await store.BeginUploadAsync("node/pod/dir-1.tar", None),
            await store.BeginUploadAsync("node/pod/dir-10.tar.gz", None),
        ];

        if (!ListsUploads)
        {
            // A store that cannot list uploads says so and touches none of them: resume goes on and the
            // bucket's lifecycle rule aborts the lost ones (docs/stores.md).
            var before = (await PendingAsync(store, "node/")).Select(u => u.UploadId).Order(StringComparer.Ordinal).ToList();
            await Assert.ThrowsAsync<PendingUploadsNotListedException>(() => store.AbortPendingUploadsAsync("node/pod/dir-1.tar.gz", None));
            UploadListingWasRefused();
            Assert.Equal(before, (await PendingAsync(store, "node/")).Select(u => u.UploadId).Order(StringComparer.Ordinal));
            Assert.Equal(BeginCreatesUpload ? 5 : 0, before.Count);
            foreach (var u in lost.Concat(others)) await u.DisposeAsync();
            return;
        }

        var aborted = await store.AbortPendingUploadsAsync("node/pod/dir-1.tar.gz", None);

        Assert.Equal(lost.Select(u => u.UploadId).Order(StringComparer.Ordinal), aborted.Select(u => u.UploadId).Order(StringComparer.Ordinal));
        var left = await PendingAsync(store, "node/");
        Assert.Equal(["node/pod/dir-1.tar", "node/pod/dir-1.tar.gz.manifest.json", "node/pod/dir-10.tar.gz"], left.Select(u => u.Key).Order(StringComparer.Ordinal));
        Assert.Equal(others.Select(u => u.UploadId).Order(StringComparer.Ordinal), left.Select(u => u.UploadId).Order(StringComparer.Ordinal));
        Assert.Null(await store.StatAsync("node/pod/dir-1.tar.gz", None));
        foreach (var u in lost.Concat(others)) await u.DisposeAsync();
        Assert.Empty(await PendingAsync(store, ""));
    }

    [Fact]
    public async Task OpenRangeAsync_MiddleOfObject_ReturnsExactlyThoseBytes()
    {
        await using var store = await CreateStoreAsync();
        var bytes = Data(300_000, 7);
        await store.PutAsync("r/a.tar.gz", bytes, None);

        await using (var range = await store.OpenRangeAsync("r/a.tar.gz", 123_457, 70_001, None))
        {
            using var ms = new MemoryStream();
            await range.CopyToAsync(ms);
            Assert.Equal(bytes[123_457..193_458], ms.ToArray());
        }
        await Assert.ThrowsAnyAsync<StoreException>(async () =>
        {
            await using var past = await store.OpenRangeAsync("r/a.tar.gz", 299_000, 2_000, None);
            await past.CopyToAsync(Stream.Null);
        });
        await Assert.ThrowsAsync<ObjectNotFoundException>(() => store.OpenRangeAsync("r/none.tar.gz", 0, 10, None));
    }

    [Fact]
    public async Task AnyOperation_UnsafeKey_ThrowsStoreException()
    {
        await using var store = await CreateStoreAsync();
        await Assert.ThrowsAnyAsync<StoreException>(() => store.PutAsync("../escape", Data(1, 1), None));
        await Assert.ThrowsAnyAsync<StoreException>(() => store.BeginUploadAsync("/abs.tar.gz", None));
        await Assert.ThrowsAnyAsync<StoreException>(() => store.StatAsync("a//b", None));
    }

    protected static byte[] Data(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    protected static async Task<byte[]> ReadAllAsync(IArchiveStore store, string key)
    {
        await using var s = await store.OpenReadAsync(key, None);
        using var ms = new MemoryStream();
        await s.CopyToAsync(ms);
        return ms.ToArray();
    }

    protected static async Task<List<StoredObject>> ListAsync(IArchiveStore store, string prefix)
    {
        var list = new List<StoredObject>();
        await foreach (var o in store.ListAsync(prefix, None)) list.Add(o);
        return list;
    }

    /// <summary>False where an upload exists on the server only once it has sent bytes (Azure: Put Block
    /// is an upload's first request).</summary>
    protected virtual bool BeginCreatesUpload => true;

    /// <summary>False where nothing can remove an aborted upload's staged data from the server (Azure's
    /// uncommitted blocks: the next commit of the name drops them, or a week).</summary>
    protected virtual bool AbortDropsStagedData => true;

    /// <summary>After an abort: no upload of <paramref name="key"/> is pending. Where the server keeps
    /// the staged data (<see cref="AbortDropsStagedData"/>), what matters is that it never becomes
    /// readable: a later upload of the key holds exactly its own bytes and leaves nothing pending.</summary>
    private async Task AssertAbortedLeftNothingAsync(IArchiveStore store, string key)
    {
        if (AbortDropsStagedData)
        {
            Assert.DoesNotContain(await PendingAsync(store, ""), u => u.Key == key);
            return;
        }
        var later = Data(7 << 20, 99);
        await using (var upload = await store.BeginUploadAsync(key, None))
        {
            await Task.Run(() => upload.Content.Write(later));
            Assert.Equal(later.Length, (await upload.CompleteAsync(None)).Size);
        }
        Assert.Equal(SHA256.HashData(later), SHA256.HashData(await ReadAllAsync(store, key)));
        Assert.DoesNotContain(await PendingAsync(store, ""), u => u.Key == key);
    }

    /// <summary>False for a backend whose server cannot list unfinished uploads (OSS's S3 endpoint).</summary>
    protected virtual bool ListsUploads => true;

    /// <summary>Called after a test saw the server refuse to list uploads, as expected.</summary>
    protected virtual void UploadListingWasRefused()
    {
    }

    /// <summary>Unfinished uploads under <paramref name="prefix"/>, as the store lists them. A backend
    /// whose server cannot list them (OSS) answers from the server behind it instead.</summary>
    protected virtual async Task<List<PendingUpload>> PendingAsync(IArchiveStore store, string prefix)
    {
        var list = new List<PendingUpload>();
        await foreach (var u in store.ListPendingUploadsAsync(prefix, None)) list.Add(u);
        return list;
    }
}
