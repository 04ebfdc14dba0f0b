using Amazon.S3.Model;
using Archiver.Hosting;
using Archiver.Policies;
using Archiver.Stores;
using Archiver.Stores.S3;
using Archiver.Tests.Support;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace Archiver.Tests.Stores.S3;

/// <summary>
/// S3 Object Lock against the real radosgw (which implements it): buckets made with Object Lock
/// enabled, objects written through the store carry the store's retention, and deletes of locked
/// versions are refused by the server and become counted skips. The store's clock starts at the real
/// current time, because the server compares retain-until dates with its own clock.
/// </summary>
[Collection("s3")]
public sealed class ObjectLockTests(S3Server server)
{
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);

    private IArchiveStore Store(string bucket) =>
        new S3StoreProvider(S3Flavor.S3, _ => null, _clock).Create(new Uri($"s3://{bucket}/p"), new Dictionary<string, string>
        {
            ["endpoint"] = server.Endpoint,
            ["pathStyle"] = "true",
            ["region"] = server.Region,
            ["credentialsFile"] = server.CredentialsFile,
            ["profile"] = "archiver-test",
            ["objectLockMode"] = "GOVERNANCE",
            ["objectLockFor"] = "2d",
        });

    [Fact]
    public async Task Upload_LockedStore_ArchiveAndManifestRetainedForObjectLockFor()
    {
        var bucket = await server.CreateBucketAsync("lock", objectLock: true);
        await using var store = Store(bucket);
        await store.CheckSetupAsync(CancellationToken.None);

        await using (var upload = await store.BeginUploadAsync("n1/a.tar.gz", CancellationToken.None))
        {
            await Task.Run(() => upload.Content.Write(new byte[(5 << 20) + 7]));
            await upload.CompleteAsync(CancellationToken.None);
        }
        await store.PutAsync("n1/a.tar.gz.manifest.json", "{}"u8.ToArray(), CancellationToken.None);

        using var client = server.CreateClient();
        foreach (var key in new[] { "p/n1/a.tar.gz", "p/n1/a.tar.gz.manifest.json" })
        {
            var retention = (await client.GetObjectRetentionAsync(new GetObjectRetentionRequest { BucketName = bucket, Key = key })).Retention;
            Assert.Equal("GOVERNANCE", retention.Mode?.Value);
            var expected = (_clock.GetUtcNow() + TimeSpan.FromDays(2)).UtcDateTime;
            Assert.InRange(retention.RetainUntilDate!.Value.ToUniversalTime(), expected.AddSeconds(-2), expected.AddSeconds(2));
        }
    }

    [Fact]
    public async Task Delete_LockedVersion_RefusedAsObjectLockedAndTheDataStays()
    {
        var bucket = await server.CreateBucketAsync("lock", objectLock: true);
        await using var store = Store(bucket);
        await store.PutAsync("n1/a.tar.gz", "data"u8.ToArray(), CancellationToken.None);

        var e = await Assert.ThrowsAsync<ObjectLockedException>(() => store.DeleteAsync("n1/a.tar.gz", CancellationToken.None));

        Assert.Equal("n1/a.tar.gz", e.Key);
        Assert.InRange(e.LockedUntil!.Value, _clock.GetUtcNow().AddDays(2).AddSeconds(-2), _clock.GetUtcNow().AddDays(2).AddSeconds(2));
        Assert.Contains("kept by object lock until", e.Message);
        var versions = await VersionsAsync(bucket, "p/n1/a.tar.gz");
        Assert.Single(versions);
        Assert.True(versions[0].IsDeleteMarker != true, "a delete marker hides the object but frees nothing");
        Assert.NotNull(await store.StatAsync("n1/a.tar.gz", CancellationToken.None));
    }

    [Fact]
    public async Task Delete_UnlockedObjectInLockBucket_EveryVersionGoneNoDeleteMarker()
    {
        var bucket = await server.CreateBucketAsync("lock", objectLock: true);
        using var client = server.CreateClient();
        for (var i = 0; i < 2; i++)
            await client.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "p/n1/b.tar.gz", ContentBody = $"copy {i}" });
        await using var store = Store(bucket);

        await store.DeleteAsync("n1/b.tar.gz", CancellationToken.None);

        Assert.Empty(await VersionsAsync(bucket, "p/n1/b.tar.gz"));
    }

    [Fact]
    public async Task Prune_LockedAndUnlockedArchives_UnlockedPrunedLockedCountedAndKept()
    {
        var bucket = await server.CreateBucketAsync("lock", objectLock: true);
        await using var store = Store(bucket);
        await store.PutAsync("n1/locked.tar.gz", "locked"u8.ToArray(), CancellationToken.None);
        using var client = server.CreateClient();
        await client.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "p/n1/free.tar.gz", ContentBody = "free" });

        // Everything is "old" against a cutoff an hour ahead of now.
        var (pruned, locked) = await RetentionPruner.PruneAsync(store, "n1/", _clock.GetUtcNow().AddHours(1), new HashSet<string>(), dryRun: false, CancellationToken.None);

        Assert.Equal(["n1/free.tar.gz"], pruned.Select(p => p.Key));
        var kept = Assert.Single(locked);
        Assert.Equal("n1/locked.tar.gz", kept.Key);
        Assert.NotNull(kept.LockedUntil);
        Assert.NotNull(await store.StatAsync("n1/locked.tar.gz", CancellationToken.None));
        Assert.Empty(await VersionsAsync(bucket, "p/n1/free.tar.gz"));
    }

    [Fact]
    public async Task CheckSetup_BucketWithoutObjectLock_ConfigurationErrorNamingBucketAndFix()
    {
        var bucket = await server.CreateBucketAsync("nolock");
        await using var store = Store(bucket);

        var e = await Assert.ThrowsAsync<ConfigurationException>(() => store.CheckSetupAsync(CancellationToken.None));

        Assert.Contains($"bucket '{bucket}' does not have Object Lock enabled", e.Message);
        Assert.Contains("--object-lock-enabled-for-bucket", e.Message);
    }

    private async Task<List<S3ObjectVersion>> VersionsAsync(string bucket, string key)
    {
        using var client = server.CreateClient();
        var page = await client.ListVersionsAsync(new ListVersionsRequest { BucketName = bucket, Prefix = key });
        return (page.Versions ?? []).Where(v => v.Key == key).ToList();
    }
}
