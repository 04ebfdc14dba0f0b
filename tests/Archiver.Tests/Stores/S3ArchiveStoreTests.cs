using Archiver.Policies;
using Archiver.Stores;
using Archiver.Tests.Support;
using Xunit;

namespace Archiver.Tests.Stores;

/// <summary>The S3 store against the shared conformance suite, on the real S3 server, with 5 MiB
/// parts so the larger cases are real multipart uploads.</summary>
[Collection("s3")]
public sealed class S3ArchiveStoreTests(S3Server server) : ArchiveStoreConformance
{
    protected override async Task<IArchiveStore> CreateStoreAsync()
    {
        var bucket = await server.CreateBucketAsync("conf");
        return StoreFactory.Create(new StoreSpec(server.StoreUrl(bucket, "under/a/prefix", "partSize=5MiB&uploadConcurrency=2")));
    }
}
