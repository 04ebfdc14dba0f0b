using System.Globalization;
using Amazon.S3.Model;
using Archiver.Cli;
using Archiver.Tests.Support;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace Archiver.Tests.Cli.Commands;

/// <summary>
/// <c>archiver find</c> against radosgw, over archives real sweeps wrote ten days, two days and zero
/// days ago on one scene clock. A counting proxy in front of the server shows which manifests were
/// fetched: keys outside --since/--until, --pod or --node are dropped before any manifest is read.
/// </summary>
[Collection("s3")]
public sealed class FindCommandTests(S3Server server) : IDisposable
{
    private readonly TempDir _temp = new("find");
    /// <summary>The scene's today is the real current time; its clock starts ten days earlier (a
    /// fake clock only moves forward) and stands at today once the scene is built.</summary>
    private readonly FakeTimeProvider _clock = new(SceneClock.Now().AddDays(-10));
    private readonly S3Proxies _proxies = new(server);

    private string Root => _temp.Sub("data");

    public void Dispose()
    {
        _proxies.Dispose();
        _temp.Dispose();
    }

    /// <summary>Sweeps at now − 10d (web-0, db-0), now − 2d (web-0, job-1) and now (web-0), each pod
    /// idle for two days; returns the bucket and the archive keys by (days ago, pod).</summary>
    private async Task<(string Bucket, Dictionary<(int, string), string> Keys)> SceneAsync(string? keyTemplate = null)
    {
        var bucket = await server.CreateBucketAsync("find");
        var policyFile = keyTemplate is null ? null : PolicyFile(bucket, keyTemplate);
        var start = _clock.GetUtcNow().AddDays(10);
        var pods = new PodTree(Root);
        (int DaysAgo, string[] Pods)[] sweeps = [(10, ["web-0", "db-0"]), (2, ["web-0", "job-1"]), (0, ["web-0"])];
        foreach (var (daysAgo, names) in sweeps)
        {
            _clock.SetUtcNow(start.AddDays(-daysAgo));
            foreach (var name in names) pods.Pod(name, start.AddDays(-daysAgo - 2), d => Fill(d, name, daysAgo));
            string[] args = policyFile is null
                ? ["sweep", "--root", Root, "--store", server.StoreUrl(bucket), "--liveness", "none", "--node", "node-1"]
                : ["sweep", "--policy", policyFile, "--node", "node-1"];
            var r = await CliRunner.RunAsync(_clock, args);
            Assert.True(r.ExitCode == 0, r.ToString());
        }
        using var client = server.CreateClient();
        var objects = (await client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket })).S3Objects ?? [];
        var keys = objects.Select(o => o.Key).Where(k => !k.EndsWith(".manifest.json", StringComparison.Ordinal)).ToList();
        Assert.Equal(5, keys.Count);
        var byScene = new Dictionary<(int, string), string>();
        foreach (var (daysAgo, names) in sweeps)
            foreach (var name in names)
                byScene[(daysAgo, name)] = keys.Single(k => k.Contains($"/{name}-{Archiver.Layouts.KeyTemplate.FormatTimestamp(start.AddDays(-daysAgo))}", StringComparison.Ordinal)
                    || k.Contains($"{name}/{Archiver.Layouts.KeyTemplate.FormatTimestamp(start.AddDays(-daysAgo))}", StringComparison.Ordinal));
        return (bucket, byScene);
    }

    /// <summary>Every pod has logs/app.log; web-0 of today also has a rotated logs/app.log.1 (not *.log);
    /// db-0 has logs/db.log; job-1 has only out.txt.</summary>
    private static void Fill(string dir, string name, int daysAgo)
    {
        Directory.CreateDirectory(Path.Combine(dir, "logs"));
        if (name == "job-1")
        {
            File.WriteAllText(Path.Combine(dir, "out.txt"), "done\n");
            return;
        }
        File.WriteAllText(Path.Combine(dir, "logs", name == "db-0" ? "db.log" : "app.log"), new string('x', 1000 + daysAgo));
        if (daysAgo == 0) File.WriteAllText(Path.Combine(dir, "logs", "app.log.1"), "rotated\n");
    }


    /// <summary>The manifests the proxy saw fetched, as keys.</summary>
    private static List<string> ManifestGets(S3FaultProxy proxy, string bucket) =>
        proxy.Requests.Where(q => q.IsGetObject && q.Path.EndsWith(".manifest.json", StringComparison.Ordinal))
            .Select(q => Uri.UnescapeDataString(q.Path[(q.Path.IndexOf("/" + bucket + "/", StringComparison.Ordinal) + bucket.Length + 2)..]))
            .Order(StringComparer.Ordinal).ToList();

    private string Line(string key, string path, long size, int daysAgo) =>
        $"{key}\t{path}\t{Terminal.Bytes(size)}\t{_clock.GetUtcNow().AddDays(-daysAgo - 2).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)}";

    [Fact]
    public async Task Find_Since_ReadsOnlyManifestsOfKeysInRangeAndPrintsExactMatches()
    {
        var (bucket, keys) = await SceneAsync();
        var proxy = _proxies.New();

        var r = await CliRunner.RunAsync(_clock, "find", "*.log", "--store", server.StoreUrlThrough(proxy, bucket), "--since", "3d");

        Assert.True(r.ExitCode == 0, r + proxy.Log);
        string[] expected = ["KEY\tPATH\tSIZE\tMTIME", .. new[] { Line(keys[(2, "web-0")], "logs/app.log", 1002, 2), Line(keys[(0, "web-0")], "logs/app.log", 1000, 0) }.Order(StringComparer.Ordinal)];
        Assert.Equal(expected, r.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(new[] { keys[(2, "web-0")], keys[(2, "job-1")], keys[(0, "web-0")] }.Select(k => k + ".manifest.json").Order(StringComparer.Ordinal), ManifestGets(proxy, bucket));
        Assert.Contains("2 matching entries in 2 archives; read 3 of 5 manifests (2 ruled out by key)", r.Error);
    }

    [Fact]
    public async Task Find_PodUntilNode_PruneByKeyAndJsonHasOneObjectPerFile()
    {
        var (bucket, keys) = await SceneAsync();
        var proxy = _proxies.New();

        var r = await CliRunner.RunAsync(_clock, "find", "logs/**", "--store", server.StoreUrlThrough(proxy, bucket), "--pod", "web-0", "--until", _clock.GetUtcNow().AddDays(-1).ToString("O"), "--json");
        var none = await CliRunner.RunAsync(_clock, "find", "*", "--store", server.StoreUrlThrough(proxy, bucket), "--node", "node-2");

        Assert.True(r.ExitCode == 0, r + proxy.Log);
        var rows = r.JsonLines.ToList();
        Assert.Equal([keys[(10, "web-0")], keys[(2, "web-0")]], rows.Select(j => j.GetProperty("key").GetString()).Order(StringComparer.Ordinal));
        Assert.All(rows, j =>
        {
            Assert.Equal("logs/app.log", j.GetProperty("path").GetString());
            Assert.Equal("file", j.GetProperty("type").GetString());
            Assert.Equal("web-0", j.GetProperty("pod").GetString());
            Assert.Equal("node-1", j.GetProperty("node").GetString());
            Assert.Equal(64, j.GetProperty("sha256").GetString()!.Length);
            Assert.Equal(j.GetProperty("created").GetDateTimeOffset().AddDays(-2), j.GetProperty("mtime").GetDateTimeOffset());
        });
        Assert.Equal([1010L, 1002L], rows.Select(j => j.GetProperty("size").GetInt64()));
        Assert.Equal(new[] { keys[(10, "web-0")], keys[(2, "web-0")] }.Select(k => k + ".manifest.json").Order(StringComparer.Ordinal), ManifestGets(proxy, bucket));
        Assert.Empty(r.Error);
        Assert.True(none.ExitCode == 0, none.ToString());
        Assert.Equal(["KEY\tPATH\tSIZE\tMTIME"], none.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("read 0 of 5 manifests (5 ruled out by key)", none.Error);
    }

    private string PolicyFile(string bucket, string keyTemplate)
    {
        var file = _temp["policy.yaml"];
        File.WriteAllText(file, $$"""
            name: find-test
            root: {{Root}}
            store: {{server.StoreUrl(bucket)}}
            liveness: none
            idleFor: 1d
            key: "{{keyTemplate}}"
            """);
        return file;
    }

    [Fact]
    public async Task Find_PolicyKeyTemplate_PrunesByItsTimestampAndStoreAloneFindsTheSameByReadingAll()
    {
        var (bucket, keys) = await SceneAsync("archives/{dir}/{timestamp}/{node}.tar.gz");
        var proxy = _proxies.New();
        var bothProxy = _proxies.New();

        var byPolicy = await CliRunner.RunAsync(_clock, "find", "app.log", "--policy", _temp["policy.yaml"], "--since", "3d");
        var byStore = await CliRunner.RunAsync(_clock, "find", "app.log", "--store", server.StoreUrlThrough(proxy, bucket), "--since", "3d");

        Assert.True(byPolicy.ExitCode == 0, byPolicy.ToString());
        Assert.Equal(new[] { keys[(2, "web-0")], keys[(0, "web-0")] }.Order(StringComparer.Ordinal), byPolicy.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(l => l.Split('\t')[0]));
        Assert.Contains("read 3 of 5 manifests (2 ruled out by key)", byPolicy.Error);
        Assert.True(byStore.ExitCode == 0, byStore.ToString());
        Assert.Equal(byPolicy.Out, byStore.Out);
        Assert.Equal(5, ManifestGets(proxy, bucket).Count);
        // --policy still gives the key template when --store names the store (here through a proxy).
        var both = await CliRunner.RunAsync(_clock, "find", "app.log", "--policy", _temp["policy.yaml"], "--store", server.StoreUrlThrough(bothProxy, bucket), "--since", "3d");
        Assert.True(both.ExitCode == 0, both.ToString());
        Assert.Equal(byPolicy.Out, both.Out);
        Assert.Contains("read 3 of 5 manifests (2 ruled out by key)", both.Error);
        Assert.Equal(3, ManifestGets(bothProxy, bucket).Count);
    }

    [Fact]
    public async Task Find_UnreadableManifest_ReportsItAndStillSearchesTheRest()
    {
        var (bucket, keys) = await SceneAsync();
        using (var client = server.CreateClient())
            await client.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = keys[(2, "web-0")] + ".manifest.json", ContentBody = "{not json" });

        var r = await CliRunner.RunAsync(_clock, "find", "*.log", "--store", server.StoreUrl(bucket), "--since", "3d");

        Assert.Equal(1, r.ExitCode);
        Assert.Contains($"manifest {keys[(2, "web-0")]}.manifest.json is not valid JSON", r.Error);
        Assert.Contains("that archive was not searched", r.Error);
        Assert.Contains(keys[(0, "web-0")] + "\tlogs/app.log", r.Out);
    }

    [Fact]
    public async Task Find_WithoutGlob_IsAUsageError()
    {
        var r = await CliRunner.RunAsync(_clock, "find", "--store", "file:///nonexistent", "--until", "yesterday");

        Assert.Equal(2, r.ExitCode);
        Assert.Contains("find takes a GLOB", r.Error);
        Assert.Contains("--until 'yesterday' is not a time", r.Error);
    }
}
