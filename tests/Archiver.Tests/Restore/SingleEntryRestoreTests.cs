using System.Text.Json.Nodes;
using Archiver.Tests.Support;
using Xunit;

namespace Archiver.Tests.Restore;

/// <summary><c>restore --path</c> and <c>cat</c> on a file store: exactly the chosen files come back,
/// checked against the manifest, from indexed archives and from archives made before the index.</summary>
public sealed class SingleEntryRestoreTests : IDisposable
{
    private RestoreFixture _f = new("single");
    private readonly DateTimeOffset _mtime = DateTimeOffset.UtcNow.AddDays(-2);

    public void Dispose() => _f.Dispose();

    /// <summary>A pod with small logs between big incompressible files, so each lives in its own blocks.</summary>
    private async Task<string> ArchiveAsync(string format)
    {
        _f.Dispose();
        _f = new RestoreFixture("single", format);
        new PodTree(_f.Root).Pod("web-0", _mtime, d =>
        {
            Directory.CreateDirectory(Path.Combine(d, "a-big"));
            File.WriteAllBytes(Path.Combine(d, "a-big", "blob.bin"), Random(5 << 20, 1));
            Directory.CreateDirectory(Path.Combine(d, "logs"));
            File.WriteAllText(Path.Combine(d, "logs", "one.log"), Lines("one", 3000));
            File.WriteAllText(Path.Combine(d, "logs", "two.log"), Lines("two", 10));
            File.WriteAllText(Path.Combine(d, "logs", "notes.txt"), "not a log");
            Directory.CreateDirectory(Path.Combine(d, "m"));
            File.WriteAllBytes(Path.Combine(d, "m", "target.log"), Random(64 << 10, 2));
            File.WriteAllBytes(Path.Combine(d, "z-big.bin"), Random(5 << 20, 3));
        });
        return await _f.ArchiveAsync("web-0");
    }

    private string Source(string relative) => Path.Combine(_f.Root, "web-0", relative);

    [Theory]
    [InlineData("tar.gz")]
    [InlineData("tar.zst")]
    public async Task RestorePath_Glob_WritesOnlyMatchingFilesWithTheirMetadata(string format)
    {
        var key = await ArchiveAsync(format);
        var to = _f.Temp["out"];

        var r = await _f.RestoreAsync(key, "--to", to, "--path", "logs/*.log", "--path", "m/target.log");

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("verified against the manifest", r.Out);
        var written = Directory.EnumerateFileSystemEntries(to, "*", SearchOption.AllDirectories).Select(p => Path.GetRelativePath(to, p)).Order(StringComparer.Ordinal);
        Assert.Equal(["web-0", "web-0/logs", "web-0/logs/one.log", "web-0/logs/two.log", "web-0/m", "web-0/m/target.log"], written);
        foreach (var f in new[] { "logs/one.log", "logs/two.log", "m/target.log" })
        {
            Assert.Equal(File.ReadAllBytes(Source(f)), File.ReadAllBytes(Path.Combine(to, "web-0", f)));
            Assert.Equal(File.GetLastWriteTimeUtc(Source(f)), File.GetLastWriteTimeUtc(Path.Combine(to, "web-0", f)));
            Assert.Equal(File.GetUnixFileMode(Source(f)), File.GetUnixFileMode(Path.Combine(to, "web-0", f)));
        }
        Assert.Equal(Directory.GetLastWriteTimeUtc(Source("logs")), Directory.GetLastWriteTimeUtc(Path.Combine(to, "web-0", "logs")));
        Assert.Contains("range read(s)", r.Out);
    }

    [Theory]
    [InlineData("tar.gz")]
    [InlineData("tar.zst")]
    public async Task Cat_File_WritesExactlyItsBytes(string format)
    {
        var key = await ArchiveAsync(format);

        var r = await CliRunner.RunAsync("cat", key, "m/target.log", "--store", _f.StoreUrl);

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal(File.ReadAllBytes(Source("m/target.log")), r.RawOut);
    }

    [Theory]
    [InlineData("tar.gz")]
    [InlineData("tar.zst")]
    public async Task OldArchiveWithoutIndex_RestorePathAndCat_StreamAndStillReturnExactFiles(string format)
    {
        var key = await ArchiveAsync(format);
        EditManifest(key, m =>
        {
            m.AsObject().Remove("index");
            foreach (var e in m["entries"]!.AsArray()) e!.AsObject().Remove("offset");
        });
        var to = _f.Temp["old"];

        var restored = await _f.RestoreAsync(key, "--to", to, "--path", "logs/two.log");
        var cat = await CliRunner.RunAsync("cat", key, "logs/one.log", "--store", _f.StoreUrl);

        Assert.True(restored.ExitCode == 0, restored.ToString());
        Assert.Contains("the archive has no index", restored.Out);
        Assert.Equal(File.ReadAllBytes(Source("logs/two.log")), File.ReadAllBytes(Path.Combine(to, "web-0", "logs", "two.log")));
        Assert.False(File.Exists(Path.Combine(to, "web-0", "logs", "one.log")));
        Assert.True(cat.ExitCode == 0, cat.ToString());
        Assert.Equal(File.ReadAllBytes(Source("logs/one.log")), cat.RawOut);
    }

    [Fact]
    public async Task RestorePath_NoMatch_ExitsOneNamingNearestPaths()
    {
        var key = await ArchiveAsync("tar.gz");

        var r = await _f.RestoreAsync(key, "--to", _f.Temp["none"], "--path", "m/targt.log");
        var cat = await CliRunner.RunAsync("cat", key, "logs/too.log", "--store", _f.StoreUrl);

        Assert.Equal(1, r.ExitCode);
        Assert.Contains("nothing in", r.Error);
        Assert.Contains("Nearest: m/target.log", r.Error);
        Assert.Equal(1, cat.ExitCode);
        Assert.Contains("Nearest: logs/two.log", cat.Error);
    }

    [Fact]
    public async Task Cat_ContentDiffersFromManifest_WritesThenReportsMismatchAndExitsOne()
    {
        var key = await ArchiveAsync("tar.gz");
        EditManifest(key, m => m["entries"]!.AsArray().First(e => (string)e!["path"]! == "web-0/logs/two.log")!["sha256"] = new string('0', 64));

        var r = await CliRunner.RunAsync("cat", key, "logs/two.log", "--store", _f.StoreUrl);

        Assert.Equal(1, r.ExitCode);
        Assert.Equal(File.ReadAllBytes(Source("logs/two.log")), r.RawOut);
        Assert.Contains("but the manifest says", r.Error);
    }

    private void EditManifest(string key, Action<JsonNode> edit)
    {
        var path = Path.Combine(_f.StoreDir, key + ".manifest.json");
        var json = JsonNode.Parse(File.ReadAllText(path))!;
        edit(json);
        File.WriteAllText(path, json.ToJsonString());
    }

    private static string Lines(string name, int count) => string.Concat(Enumerable.Range(0, count).Select(i => $"{name} line {i}\n"));

    internal static byte[] Random(int size, int seed)
    {
        var b = new byte[size];
        new Random(seed).NextBytes(b);
        return b;
    }
}
