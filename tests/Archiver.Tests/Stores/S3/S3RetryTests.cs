using Archiver.Stores;
using Archiver.Stores.S3;
using Archiver.Tests.Support;
using Xunit;

namespace Archiver.Tests.Stores.S3;

/// <summary>Throttling, 5xx and dropped connections are retried with backoff; errors that retrying
/// cannot fix fail at once with a message that says what to fix.</summary>
public sealed class S3RetryTests
{
    private static IArchiveStore Store(RecordingHttpServer server) => FakeS3.Store(server);

    [Fact]
    public async Task PutAsync_SlowDownThenServerErrorThenReset_RetriesAndSucceeds()
    {
        var answers = new Queue<Reply>([FakeS3.Error(503, "SlowDown"), FakeS3.Error(500, "InternalError"), new Reply(0)]);
        await using var server = new RecordingHttpServer(r => answers.TryDequeue(out var a) ? a : FakeS3.Answer(r));
        await using var store = Store(server);

        await store.PutAsync("a.json", "{}"u8.ToArray(), CancellationToken.None);

        Assert.Equal(4, server.Requests.Count(r => r.Method == "PUT"));
    }

    [Fact]
    public async Task PutAsync_WrongAccessKey_FailsOnceWithWhatToFix()
    {
        await using var server = new RecordingHttpServer(_ => FakeS3.Error(403, "InvalidAccessKeyId"));
        await using var store = Store(server);

        var e = await Assert.ThrowsAsync<StoreException>(() => store.PutAsync("a.json", "{}"u8.ToArray(), CancellationToken.None));

        Assert.Contains("access key", e.Message);
        Assert.Contains("bucket/prefix/a.json", e.Message);
        Assert.DoesNotContain("retry-test-secret", e.Message);
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task BeginUploadAsync_MissingBucket_SaysToCreateIt()
    {
        await using var server = new RecordingHttpServer(_ => FakeS3.Error(404, "NoSuchBucket"));
        await using var store = Store(server);

        var e = await Assert.ThrowsAsync<StoreException>(() => store.BeginUploadAsync("k.tar.gz", CancellationToken.None));

        Assert.Contains("bucket 'bucket' does not exist", e.Message);
        Assert.Contains("create it", e.Message);
    }
}
