using Archiver.Tests.Support;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace Archiver.Tests.Stores.Azure;

/// <summary>
/// The real CLI sweeping pod directories into Azurite and reading them back: the blobs are plain
/// <c>.tar.gz</c> that GNU tar extracts exactly; verify, restore (whole and <c>--path</c>), cat, find,
/// list and prune work on them. Credentials come from a connection-string file named in the store URL
/// (<see cref="AzuriteServer.CliStoreUrl"/>), so in-process runs never share environment variables.
/// </summary>
[Collection("azurite")]
public sealed class AzureSweepTests(AzuriteServer server) : IDisposable
{
    private readonly TempDir _temp = new("azsweep");

    [Fact]
    public async Task Sweep_ThenEveryReadCommandThenPrune_ArchivesRestoreExactlyAndPruneDeletesThem()
    {
        var container = await server.CreateContainerAsync("sweep");
        var url = server.CliStoreUrl(container, "archives", "partSize=1MiB");
        var root = _temp.Sub("data");
        var tree = new PodTree(root);
        var idleSince = DateTimeOffset.UtcNow.AddDays(-3);
        var web = tree.Pod("web-1", idleSince, d =>
        {
            Directory.CreateDirectory(Path.Combine(d, "logs"));
            File.WriteAllText(Path.Combine(d, "logs", "app.log"), string.Concat(Enumerable.Range(0, 20_000).Select(i => $"web-1 line {i}\n")));
            var data = new byte[3 << 20];
            new Random(1).NextBytes(data);
            File.WriteAllBytes(Path.Combine(d, "data.bin"), data);
        });
        var job = tree.Pod("job-2", idleSince);
        var before = new Dictionary<string, TreeSnapshot> { ["web-1"] = TreeSnapshot.Of(web), ["job-2"] = TreeSnapshot.Of(job) };
        var appLog = await File.ReadAllBytesAsync(Path.Combine(web, "logs", "app.log"));

        var sweep = await CliRunner.RunAsync("sweep", "--root", root, "--store", url, "--liveness", "none", "--idle-for", "1h", "--node", "node-1", "--json");

        Assert.True(sweep.ExitCode == 0, sweep.ToString());
        Assert.False(Directory.Exists(web) || Directory.Exists(job), "swept directories must be deleted");
        var blobs = await BlobNamesAsync(container);
        Assert.Equal(4, blobs.Count);
        foreach (var (pod, snapshot) in before)
        {
            var name = Assert.Single(blobs, b => b.EndsWith(".tar.gz", StringComparison.Ordinal) && b.Contains($"/{pod}-", StringComparison.Ordinal));
            Assert.Contains(name + ".manifest.json", blobs);
            var local = Path.Combine(_temp.Sub("dl"), pod + ".tar.gz");
            await server.CreateClient().GetBlobContainerClient(container).GetBlobClient(name).DownloadToAsync(local);
            var extracted = _temp.Sub("tar-" + pod);
            ExternalTool.Check("tar", "-xzf", local, "-C", extracted);
            Assert.Empty(TreeSnapshot.Of(Path.Combine(extracted, pod)).Diff(snapshot));
        }
        var key = sweep.LineFor("web-1").GetProperty("key").GetString()!;

        var verify = await CliRunner.RunAsync("verify", key, "--store", url);
        Assert.True(verify.ExitCode == 0, verify.ToString());

        var restored = _temp["restored"];
        var restore = await CliRunner.RunAsync("restore", key, "--store", url, "--to", restored);
        Assert.True(restore.ExitCode == 0, restore.ToString());
        Assert.Empty(TreeSnapshot.Of(Path.Combine(restored, "web-1")).Diff(before["web-1"]));

        var one = _temp["one"];
        var restorePath = await CliRunner.RunAsync("restore", key, "--store", url, "--to", one, "--path", "logs/app.log");
        Assert.True(restorePath.ExitCode == 0, restorePath.ToString());
        Assert.Equal(appLog, await File.ReadAllBytesAsync(Directory.EnumerateFiles(one, "app.log", SearchOption.AllDirectories).Single()));

        var cat = await CliRunner.RunAsync("cat", key, "logs/app.log", "--store", url);
        Assert.True(cat.ExitCode == 0, cat.ToString());
        Assert.Equal(appLog, cat.RawOut);

        var find = await CliRunner.RunAsync("find", "**/app.log", "--store", url, "--json");
        Assert.True(find.ExitCode == 0, find.ToString());
        Assert.Equal(2, find.JsonLines.Count());

        var list = await CliRunner.RunAsync("list", "--store", url, "--node", "node-1", "--json");
        Assert.Equal(["job-2", "web-1"], list.JsonLines.Select(l => l.GetProperty("pod").GetString()).Order(StringComparer.Ordinal));

        var prune = await CliRunner.RunAsync(new FakeTimeProvider(DateTimeOffset.UtcNow.AddDays(3)), "prune", "--store", url, "--node", "node-1", "--older-than", "2d");
        Assert.True(prune.ExitCode == 0, prune.ToString());
        Assert.Empty(await BlobNamesAsync(container));
    }

    [Fact]
    public async Task Sweep_ContainerMissing_SaysCreateItAndDeletesNothing()
    {
        var root = _temp.Sub("missing");
        var dir = new PodTree(root).Pod("web-1", DateTimeOffset.UtcNow.AddDays(-3));

        var r = await CliRunner.RunAsync("sweep", "--root", root, "--store", server.CliStoreUrl("no-such-container"), "--liveness", "none", "--idle-for", "1h", "--node", "node-1");

        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("container 'no-such-container' does not exist", r.Out + r.Error);
        Assert.True(Directory.Exists(dir));
    }

    private async Task<List<string>> BlobNamesAsync(string container)
    {
        var names = new List<string>();
        await foreach (var b in server.CreateClient().GetBlobContainerClient(container).GetBlobsAsync()) names.Add(b.Name);
        return names;
    }

    public void Dispose() => _temp.Dispose();
}
