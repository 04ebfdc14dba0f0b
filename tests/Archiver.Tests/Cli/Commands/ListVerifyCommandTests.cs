using Archiver.Tests.Support;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace Archiver.Tests.Cli.Commands;

/// <summary><c>archiver list</c> and <c>archiver verify</c> over archives a real sweep wrote.</summary>
public sealed class ListVerifyCommandTests : IDisposable
{
    private readonly TempDir _temp = new("listverify");
    private readonly FakeTimeProvider _clock = SceneClock.Start();
    private readonly string _root;
    private readonly string _store;

    /// <summary>When the scene clock started (and the first sweep ran).</summary>
    private DateTimeOffset Start { get; }

    public ListVerifyCommandTests()
    {
        _root = _temp.Sub("data");
        _store = new Uri(_temp.Sub("store")).AbsoluteUri;
        var pods = new PodTree(_root);
        Start = _clock.GetUtcNow();
        pods.Pod("web-0", Start.AddDays(-3));
        pods.Pod("db-1", Start.AddDays(-3));
    }

    private async Task<List<string>> SweepAsync(string node)
    {
        var r = await Support.CliRunner.RunAsync(_clock, "sweep", "--root", _root, "--store", _store, "--liveness", "none", "--node", node, "--json");
        Assert.True(r.ExitCode == 0, r.ToString());
        return r.JsonLines.Where(j => j.TryGetProperty("key", out var k) && k.ValueKind == System.Text.Json.JsonValueKind.String).Select(j => j.GetProperty("key").GetString()!).Distinct().ToList();
    }

    [Fact]
    public async Task List_AfterSweep_ShowsPodNodeSizeEntriesAndTime()
    {
        await SweepAsync("node-a");

        var r = await Support.CliRunner.RunAsync(_clock, "list", "--store", _store, "--json");

        Assert.True(r.ExitCode == 0, r.ToString());
        var rows = r.JsonLines.ToList();
        Assert.Equal(2, rows.Count);
        Assert.Equal(["db-1", "web-0"], rows.Select(j => j.GetProperty("pod").GetString()).Order());
        Assert.All(rows, j =>
        {
            Assert.Equal("node-a", j.GetProperty("node").GetString());
            Assert.True(j.GetProperty("size").GetInt64() > 0);
            Assert.Equal(4, j.GetProperty("entries").GetInt64());
            Assert.Equal(Start, j.GetProperty("created").GetDateTimeOffset());
            Assert.EndsWith(".tar.gz", j.GetProperty("key").GetString());
        });
        var table = await Support.CliRunner.RunAsync(_clock, "list", "--store", _store);
        Assert.Contains("web-0", table.Out);
        Assert.Contains("2 archives", table.Out);
    }

    [Fact]
    public async Task List_FilteredByNodePodAndSince_ShowsOnlyMatches()
    {
        await SweepAsync("node-a");
        _clock.Advance(TimeSpan.FromDays(2));

        var byPod = await Support.CliRunner.RunAsync(_clock, "list", "--store", _store, "--pod", "web-0", "--json");
        var byOtherNode = await Support.CliRunner.RunAsync(_clock, "list", "--store", _store, "--node", "node-b", "--json");
        var recent = await Support.CliRunner.RunAsync(_clock, "list", "--store", _store, "--since", "1d", "--json");
        var older = await Support.CliRunner.RunAsync(_clock, "list", "--store", _store, "--since", "3d", "--json");

        Assert.Equal("web-0", Assert.Single(byPod.JsonLines).GetProperty("pod").GetString());
        Assert.Empty(byOtherNode.JsonLines);
        Assert.Empty(recent.JsonLines);
        Assert.Equal(2, older.JsonLines.Count());
    }

    [Fact]
    public async Task Verify_IntactArchive_ExitsZero()
    {
        var keys = await SweepAsync("node-a");

        var r = await Support.CliRunner.RunAsync(_clock, ["verify", .. keys, "--store", _store]);

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal(keys.Count, r.Out.Split('\n').Count(l => l.StartsWith("ok: ", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Verify_CorruptedArchive_ExitsOneAndSaysWhatDiffers()
    {
        var key = (await SweepAsync("node-a"))[0];
        var path = Path.Combine(new Uri(_store).LocalPath, key);
        var bytes = await File.ReadAllBytesAsync(path);
        bytes[bytes.Length / 2] ^= 0xff;
        await File.WriteAllBytesAsync(path, bytes);

        var r = await Support.CliRunner.RunAsync(_clock, "verify", key, "--store", _store);

        Assert.Equal(1, r.ExitCode);
        Assert.Contains($"MISMATCH: {key}: sha256: read back", r.Out);
    }

    [Fact]
    public async Task Verify_TruncatedArchive_ReportsSize()
    {
        var key = (await SweepAsync("node-a"))[0];
        var path = Path.Combine(new Uri(_store).LocalPath, key);
        await using (var f = new FileStream(path, FileMode.Open)) f.SetLength(f.Length - 10);

        var r = await Support.CliRunner.RunAsync(_clock, "verify", key + ".manifest.json", "--store", _store, "--json");

        Assert.Equal(1, r.ExitCode);
        var result = Assert.Single(r.JsonLines);
        Assert.False(result.GetProperty("ok").GetBoolean());
        Assert.Contains(result.GetProperty("problems").EnumerateArray(), p => p.GetString()!.StartsWith("size: the store holds", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Verify_MissingKeyOrNoStore_FailsClearly()
    {
        var missing = await Support.CliRunner.RunAsync(_clock, "verify", "no/such.tar.gz", "--store", _store);
        var noStore = await Support.CliRunner.RunAsync(_clock, "verify", "no/such.tar.gz");

        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("no archive at no/such.tar.gz", missing.Out);
        Assert.Equal(2, noStore.ExitCode);
        Assert.Contains("--store URL (or --policy FILE) is required", noStore.Error);
    }

    public void Dispose() => _temp.Dispose();
}
