using System.Globalization;
using System.Text;
using System.Text.Json;
using Archiver.Archives;
using Archiver.Stores;
using Archiver.Stores.S3;
using Archiver.Tests.Support;
using Xunit;

namespace Archiver.Tests.Stores.S3;

/// <summary>
/// Objects in archive storage classes. No server here thaws objects, so a local HTTP server answers as
/// AWS documents it and the requests Archiver sends are pinned:
/// GET of a GLACIER object: 403 InvalidObjectState (GetObject, "InvalidObjectState"; the error names the
/// StorageClass); HEAD: x-amz-storage-class, and x-amz-restore with ongoing-request="true", or
/// ongoing-request="false", expiry-date="..." once thawed (HeadObject, "x-amz-restore"); RestoreObject:
/// POST ?restore with a RestoreRequest of Days and GlacierJobParameters/Tier, answered 202 Accepted
/// (https://docs.aws.amazon.com/AmazonS3/latest/API/API_RestoreObject.html).
/// </summary>
public sealed class ColdTierTests
{
    private const string Key = "prod/n1/ns/web-0/web-0-20260101T000000Z.tar.gz";

    /// <summary>One archived object, as S3 answers for it; <see cref="Restore"/> is its x-amz-restore.</summary>
    private sealed class GlacierObject(string storageClass = "GLACIER")
    {
        public string? Restore { get; set; }

        public Reply Answer(RecordedHttpRequest r)
        {
            var head = new Dictionary<string, string> { ["Content-Length"] = "10", ["Last-Modified"] = DateTimeOffset.UtcNow.ToString("R", CultureInfo.InvariantCulture) };
            if (storageClass != "STANDARD") head["x-amz-storage-class"] = storageClass;
            if (Restore is not null) head["x-amz-restore"] = Restore;
            return r.Method switch
            {
                "HEAD" when r.Path.EndsWith(".manifest.json", StringComparison.Ordinal) => new Reply(404),
                "HEAD" => new Reply(200, "", head),
                "GET" => new Reply(403, $"<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>InvalidObjectState</Code><Message>The operation is not valid for the object's storage class</Message><StorageClass>{storageClass}</StorageClass><RequestId>r1</RequestId></Error>",
                    new Dictionary<string, string> { ["Content-Type"] = "application/xml" }),
                "POST" when r.Query.StartsWith("restore", StringComparison.Ordinal) => new Reply(202),
                _ => FakeS3.Error(400, "UnexpectedRequest"),
            };
        }
    }

    [Fact]
    public async Task OpenRead_GlacierObject_SaysClassAndTheThawToRun()
    {
        var glacier = new GlacierObject();
        await using var server = new RecordingHttpServer(glacier.Answer);
        await using var store = Store(server);

        var e = await Assert.ThrowsAsync<ArchivedObjectException>(() => store.OpenReadAsync(Key, CancellationToken.None));

        Assert.Equal("GLACIER", e.StorageClass);
        Assert.DoesNotContain("under way", e.Message);
        Assert.Contains($"{Key} in s3://bucket/prefix/ is in storage class GLACIER and cannot be read until it is thawed", e.Message);
        Assert.Contains($"run `archiver restore {Key} --store s3://bucket/prefix/ --thaw --days 7`, then retry in 3-5 hours", e.Message);
    }

    [Fact]
    public async Task OpenRead_DeepArchiveBeingThawed_SaysItIsUnderWay()
    {
        var deep = new GlacierObject("DEEP_ARCHIVE") { Restore = "ongoing-request=\"true\"" };
        await using var server = new RecordingHttpServer(deep.Answer);
        await using var store = Store(server);

        var e = await Assert.ThrowsAsync<ArchivedObjectException>(() => store.OpenReadAsync(Key, CancellationToken.None));

        Assert.Contains("is in storage class DEEP_ARCHIVE and its thaw is under way; retry in up to 12 hours", e.Message);
    }

    [Fact]
    public async Task Thaw_GlacierObject_PostsRestoreRequestWithDaysAndStandardTier()
    {
        var glacier = new GlacierObject();
        await using var server = new RecordingHttpServer(glacier.Answer);
        await using var store = Store(server);

        var status = await store.ThawAsync(Key, 3, CancellationToken.None);

        Assert.Equal(new ThawStatus(Key, "GLACIER", ThawState.Requested, null, "3-5 hours"), status);
        var post = Assert.Single(server.Requests, r => r.Method == "POST");
        Assert.Equal($"/bucket/prefix/{Key}", post.Path);
        Assert.Equal("restore", post.Query);
        var body = Encoding.UTF8.GetString(post.Body);
        Assert.Matches("<RestoreRequest[^>]*><Days>3</Days><GlacierJobParameters><Tier>Standard</Tier></GlacierJobParameters></RestoreRequest>", body);
    }

    [Fact]
    public async Task Thaw_AlreadyThawedOrStandard_NoRestoreRequestAndSaysWhen()
    {
        var until = DateTimeOffset.UtcNow.AddDays(3);
        var thawed = new GlacierObject { Restore = $"ongoing-request=\"false\", expiry-date=\"{until.ToString("R", CultureInfo.InvariantCulture)}\"" };
        await using var server = new RecordingHttpServer(thawed.Answer);
        await using var store = Store(server);
        var standard = new GlacierObject("STANDARD");
        await using var standardServer = new RecordingHttpServer(standard.Answer);
        await using var standardStore = Store(standardServer);

        var readable = await store.ThawAsync(Key, 7, CancellationToken.None);
        var notArchived = await standardStore.ThawAsync(Key, 7, CancellationToken.None);

        Assert.Equal(ThawState.Readable, readable.State);
        Assert.Equal(until.ToUnixTimeSeconds(), readable.ReadableUntil!.Value.ToUnixTimeSeconds());
        Assert.Equal(ThawState.NotArchived, notArchived.State);
        Assert.DoesNotContain(server.Requests.Concat(standardServer.Requests), r => r.Method == "POST");
    }

    [Fact]
    public async Task RestoreThawCommand_GlacierArchive_RequestsAndReportsWhenReadable()
    {
        var glacier = new GlacierObject();
        await using var server = new RecordingHttpServer(glacier.Answer);
        var url = $"s3://bucket/prefix?endpoint=http://127.0.0.1:{server.Port}&pathStyle=true&region=us-east-1&credentialsFile={Uri.EscapeDataString(FakeS3.CredentialsFile)}&profile=p";

        var result = await CliRunner.RunAsync("restore", Key, "--store", url, "--thaw", "--days", "2");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains($"thaw requested: {Key} (GLACIER) is readable in about 3-5 hours (Standard tier), for 2 day(s)", result.Out);
        Assert.Single(server.Requests, r => r.Method == "POST" && r.Query == "restore");
    }

    [Fact]
    public async Task CatAndRestorePath_GlacierArchiveWithReadableManifest_SayClassAndTheThawToRun()
    {
        // The manifest answers (OSS writes it Standard; any class may be thawed already); the
        // archive's range GET is refused as AWS refuses any GET of a GLACIER object.
        var manifest = JsonSerializer.Serialize(new ArchiveManifest
        {
            Key = Key,
            Entries = [new ManifestEntry("web-0", "dir", 0, "0755", 0, 0, DateTimeOffset.UnixEpoch, Offset: 0), new ManifestEntry("web-0/app.log", "file", 5, "0644", 0, 0, DateTimeOffset.UnixEpoch, Sha256: new string('0', 64), Offset: 512)],
            Archive = new ManifestArchive { Format = "gzip", Size = 10, Sha256 = new string('0', 64) },
            Index = new ManifestIndex { Kind = ManifestIndex.GzipMembers, BlockSize = 1 << 20, TarSize = 3072, Offsets = [0, 10] },
        }, ArchiveManifest.Json);
        var glacier = new GlacierObject();
        await using var server = new RecordingHttpServer(r => r.Method == "GET" && r.Path.EndsWith(".manifest.json", StringComparison.Ordinal)
            ? new Reply(200, manifest, new Dictionary<string, string> { ["Content-Type"] = "application/json" })
            : glacier.Answer(r));
        var url = $"s3://bucket/prefix?endpoint=http://127.0.0.1:{server.Port}&pathStyle=true&region=us-east-1&credentialsFile={Uri.EscapeDataString(FakeS3.CredentialsFile)}&profile=p";
        using var temp = new TempDir("coldcat");

        var cat = await CliRunner.RunAsync("cat", Key, "app.log", "--store", url);
        var restored = await CliRunner.RunAsync("restore", Key, "--store", url, "--to", temp["out"], "--path", "app.log");

        Assert.True(cat.ExitCode == 1, cat.ToString());
        Assert.Contains($"error: {Key} in s3://bucket/prefix/ is in storage class GLACIER and cannot be read until it is thawed; run `archiver restore {Key} --store s3://bucket/prefix/ --thaw --days 7`", cat.Error);
        Assert.Empty(cat.RawOut!);
        Assert.Contains(server.Requests, r => r.Method == "GET" && r.Headers.ContainsKey("Range"));
        Assert.True(restored.ExitCode == 1, restored.ToString());
        Assert.Contains($"{Key} in s3://bucket/prefix/ is in storage class GLACIER and cannot be read until it is thawed", restored.Error);
    }

    private static IArchiveStore Store(RecordingHttpServer server) => FakeS3.Store(server);
}
