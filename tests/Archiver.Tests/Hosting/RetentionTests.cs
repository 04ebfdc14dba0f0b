using System.Text.Json;
using Archiver.Archives;
using Archiver.Hosting;
using Archiver.Policies;
using Archiver.Stores;
using Archiver.Tests.Support;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace Archiver.Tests.Hosting;

public class RetentionTests
{
    // The store's files are written now (real time); the fake clock is far ahead so that their
    // LastModified is old and the manifests' createdAt decides.
    private static readonly DateTimeOffset Later = DateTimeOffset.UtcNow.AddDays(400);

    private static async Task PutArchiveAsync(IArchiveStore store, string key, DateTimeOffset createdAt)
    {
        await store.PutAsync(key, new byte[] { 1, 2, 3 }, CancellationToken.None);
        var manifest = new ArchiveManifest { Key = key, CreatedAt = createdAt };
        await store.PutAsync(ArchiveKeys.ManifestFor(key), JsonSerializer.SerializeToUtf8Bytes(manifest, ArchiveManifest.Json), CancellationToken.None);
    }

    private static async Task<FileArchiveStore> SeedAsync(TempDir tmp)
    {
        var store = new FileArchiveStore(tmp.Sub("store"));
        await PutArchiveAsync(store, "prod/n1/ns/web-0/web-0-old.tar.gz", Later.AddDays(-200));
        await PutArchiveAsync(store, "prod/n1/ns/web-1/web-1-new.tar.gz", Later.AddDays(-10));
        await PutArchiveAsync(store, "prod/n2/ns/web-0/web-0-old.tar.gz", Later.AddDays(-300));
        // A manifest whose archive a crashed prune already removed.
        await store.PutAsync("prod/n1/ns/web-2/web-2-old.tar.gz.manifest.json", "{}"u8.ToArray(), CancellationToken.None);
        return store;
    }

    private static string PolicyFile(TempDir tmp) => HostingKit.WritePolicy(tmp.Sub("policies"), "logs", tmp.Sub("data"), tmp["store"],
        "cluster: prod\nretention: {remoteFor: 180d}");

    [Fact]
    public async Task Prune_OlderThanRemoteFor_DeletesOnlyThisNodesOldArchivesAndManifests()
    {
        using var tmp = new TempDir("prune");
        await SeedAsync(tmp);

        var result = await Support.CliRunner.RunAsync(new FakeTimeProvider(Later), "prune", "--policy", PolicyFile(tmp), "--node", "n1");

        Assert.Equal(0, result.ExitCode);
        var left = Directory.EnumerateFiles(tmp["store"], "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(tmp["store"], f)).Order().ToList();
        Assert.Equal([
            "prod/n1/ns/web-1/web-1-new.tar.gz",
            "prod/n1/ns/web-1/web-1-new.tar.gz.manifest.json",
            "prod/n2/ns/web-0/web-0-old.tar.gz",
            "prod/n2/ns/web-0/web-0-old.tar.gz.manifest.json",
        ], left);
        Assert.Contains("pruned prod/n1/ns/web-0/web-0-old.tar.gz", result.Out);
        Assert.Contains("2 object(s) pruned", result.Out);
    }

    [Fact]
    public async Task Prune_DryRun_ListsButDeletesNothing()
    {
        using var tmp = new TempDir("prune");
        await SeedAsync(tmp);

        var result = await Support.CliRunner.RunAsync(new FakeTimeProvider(Later), "prune", "--policy", PolicyFile(tmp), "--node", "n1", "--dry-run");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("would prune prod/n1/ns/web-0/web-0-old.tar.gz", result.Out);
        Assert.Equal(7, Directory.EnumerateFiles(tmp["store"], "*", SearchOption.AllDirectories).Count());
    }

    [Fact]
    public async Task Prune_NoRetentionConfigured_RefusesWithWhatToDo()
    {
        using var tmp = new TempDir("prune");
        await SeedAsync(tmp);

        var result = await Support.CliRunner.RunAsync(new FakeTimeProvider(Later), "prune", "--store", $"file://{tmp["store"]}", "--node", "n1");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--older-than", result.Error);
        Assert.Equal(7, Directory.EnumerateFiles(tmp["store"], "*", SearchOption.AllDirectories).Count());
    }

    [Fact]
    public async Task PruneAsync_ArchiveStillInJournal_IsKept()
    {
        using var tmp = new TempDir("prune");
        var store = await SeedAsync(tmp);

        var (pruned, _) = await RetentionPruner.PruneAsync(store, "prod/n1/", Later.AddDays(-180),
            new HashSet<string> { "prod/n1/ns/web-0/web-0-old.tar.gz" }, dryRun: false, CancellationToken.None);

        Assert.DoesNotContain(pruned, p => p.Key == "prod/n1/ns/web-0/web-0-old.tar.gz");
        Assert.NotNull(await store.StatAsync("prod/n1/ns/web-0/web-0-old.tar.gz", CancellationToken.None));
    }

    [Fact]
    public async Task Sweep_PolicyWithRemoteFor_PrunesThisNodesOldArchives()
    {
        using var tmp = new TempDir("prune");
        await SeedAsync(tmp);
        var policy = new Policy
        {
            Name = "logs", Root = tmp.Sub("data"), Store = new StoreSpec($"file://{tmp["store"]}"), Liveness = new LivenessSpec("none"),
            Cluster = "prod", RemoteFor = TimeSpan.FromDays(180),
        };
        var metrics = new ArchiverMetrics();
        var runner = HostingKit.Runner(new FakeTimeProvider(Later), metrics);

        await runner.SweepAsync(new LoadedPolicy(policy, "0 0 3 * * ?", TimeZoneInfo.Utc, "h"), "schedule", CancellationToken.None);

        Assert.Null(await new FileArchiveStore(tmp["store"]).StatAsync("prod/n1/ns/web-0/web-0-old.tar.gz", CancellationToken.None));
        Assert.NotNull(await new FileArchiveStore(tmp["store"]).StatAsync("prod/n1/ns/web-1/web-1-new.tar.gz", CancellationToken.None));
        Assert.Equal(2, metrics.Get("archiver_pruned_objects_total", ("policy", "logs")));
    }

    [Theory]
    [InlineData(Policy.DefaultKey, "prod/n1/")]
    [InlineData("archives/{cluster}/{node}/{pod}/{dir}-{timestamp}.tar.gz", "archives/prod/n1/")]
    [InlineData("{namespace}/{node}/{dir}-{timestamp}.tar.gz", null)]
    public void NodePrefix_KeyTemplate_OnlyThisNodesPrefixOrNone(string key, string? expected)
    {
        Assert.Equal(expected, RetentionPruner.NodePrefix(new Policy { Key = key, Cluster = "prod" }, "n1"));
    }
}
