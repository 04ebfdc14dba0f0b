using Archiver.Composition;
using Archiver.Policies;
using Archiver.Stores;
using Archiver.Tests.Support;
using Xunit;

namespace Archiver.Tests.Stores.S3;

/// <summary>The S3 store against the shared conformance suite, on the real S3 server, with 5 MiB
/// parts so the larger cases are real multipart uploads; plus what only S3 has (tags, storage class).</summary>
[Collection("s3")]
public sealed class S3ArchiveStoreTests(S3Server server) : ArchiveStoreConformance
{
    protected override async Task<IArchiveStore> CreateStoreAsync()
    {
        var bucket = await server.CreateBucketAsync("conf");
        return StoreFactory.Create(new StoreSpec(server.StoreUrl(bucket, "under/a/prefix", "partSize=5MiB&uploadConcurrency=2")));
    }

    [Fact]
    public async Task List_MorePagesThanOne_EveryObjectAndPendingUploadOnce()
    {
        var bucket = await server.CreateBucketAsync("pages");
        await using var store = (Archiver.Stores.S3.S3ArchiveStore)StoreFactory.Create(new StoreSpec(server.StoreUrl(bucket, "p", "")));
        store.ListPageSize = 2;
        var keys = Enumerable.Range(0, 5).Select(i => $"n/d{i}.tar.gz").ToList();
        foreach (var key in keys) await store.PutAsync(key, Data(10, 1), CancellationToken.None);
        var pending = new List<IObjectUpload>();
        for (var i = 0; i < 3; i++) pending.Add(await store.BeginUploadAsync($"n/u{i}.tar.gz", CancellationToken.None));

        var listed = new List<string>();
        await foreach (var o in store.ListAsync("n/", CancellationToken.None)) listed.Add(o.Key);
        var uploads = new List<string>();
        await foreach (var u in store.ListPendingUploadsAsync("n/", CancellationToken.None)) uploads.Add(u.Key);

        Assert.Equal(keys, listed.Order(StringComparer.Ordinal));
        Assert.Equal(["n/u0.tar.gz", "n/u1.tar.gz", "n/u2.tar.gz"], uploads.Order(StringComparer.Ordinal));
        foreach (var u in pending) await u.AbortAsync(CancellationToken.None);
    }

    [Fact]
    public async Task Upload_WithTagsAndStorageClass_ObjectAndManifestCarryThem()
    {
        var bucket = await server.CreateBucketAsync("tags");
        await using var store = StoreFactory.Create(new StoreSpec(server.StoreUrl(bucket, "p", "tags=team%3Dinfra,env%3Dprod&storageClass=STANDARD")));
        await using (var upload = await store.BeginUploadAsync("a.tar.gz", CancellationToken.None))
        {
            await Task.Run(() => upload.Content.Write(Data(1000, 1)));
            await upload.CompleteAsync(CancellationToken.None);
        }
        await store.PutAsync("a.tar.gz.manifest.json", "{}"u8.ToArray(), CancellationToken.None);

        using var client = server.CreateClient();
        foreach (var key in new[] { "p/a.tar.gz", "p/a.tar.gz.manifest.json" })
        {
            var tags = (await client.GetObjectTaggingAsync(new Amazon.S3.Model.GetObjectTaggingRequest { BucketName = bucket, Key = key })).Tagging;
            Assert.True(tags is not null, $"{key} has no tags");
            Assert.Equal(["env=prod", "team=infra"], tags.Select(t => $"{t.Key}={t.Value}").Order());
        }
    }
}
