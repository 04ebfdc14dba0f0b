using Archiver.Policies;
using Archiver.Stores;
using Archiver.Tests.Support;
using Xunit;

namespace Archiver.Tests.Stores;

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
