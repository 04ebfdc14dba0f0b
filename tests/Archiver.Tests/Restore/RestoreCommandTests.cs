using System.Text.Json.Nodes;
using Archiver.Tests.Support;
using Xunit;

namespace Archiver.Tests.Restore;

/// <summary><c>archiver restore</c>: checks against the manifest, target rules, and the archive
/// formats hand-made scripts produced.</summary>
public sealed class RestoreCommandTests : IDisposable
{
    private readonly RestoreFixture _f = new("restorecmd");

    private async Task<string> ArchiveSampleAsync()
    {
        new PodTree(_f.Root).Pod("web-0", DateTimeOffset.UtcNow.AddDays(-2));
        return await _f.ArchiveAsync("web-0");
    }

    private void EditManifest(string key, Action<JsonNode> edit)
    {
        var path = Path.Combine(_f.StoreDir, key + ".manifest.json");
        var json = JsonNode.Parse(File.ReadAllText(path))!;
        edit(json);
        File.WriteAllText(path, json.ToJsonString());
    }

    [Fact]
    public async Task Restore_FileHashDiffersFromManifest_ExitsOneNamingTheFile()
    {
        var key = await ArchiveSampleAsync();
        EditManifest(key, m => m["entries"]!.AsArray().First(e => (string)e!["path"]! == "web-0/logs/app.log")!["sha256"] = new string('0', 64));

        var result = await _f.RestoreAsync(key, "--to", _f.Temp["out"]);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"mismatch: web-0/logs/app.log: content sha256", result.Error);
        Assert.Contains("the manifest says 0000", result.Error);
        Assert.Contains("1 thing(s) differ from its manifest", result.Error);
    }

    [Fact]
    public async Task Restore_ArchiveHashDiffersFromManifest_ExitsOne()
    {
        var key = await ArchiveSampleAsync();
        EditManifest(key, m => m["archive"]!["sha256"] = new string('f', 64));

        var result = await _f.RestoreAsync(key, "--to", _f.Temp["out"]);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("mismatch: archive: read", result.Error);
        Assert.Contains("the manifest says", result.Error);
    }

    [Fact]
    public async Task Restore_ManifestListsEntryTheArchiveLacks_ReportsItNotRestored()
    {
        var key = await ArchiveSampleAsync();
        EditManifest(key, m => m["entries"]!.AsArray().Add(JsonNode.Parse("""{"path":"web-0/lost.txt","type":"file","size":1,"mode":"0644","uid":0,"gid":0,"mtime":"2024-01-01T00:00:00Z","sha256":"00"}""")));

        var result = await _f.RestoreAsync(key, "--to", _f.Temp["out"]);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("mismatch: web-0/lost.txt: in the manifest but not in the archive (not restored)", result.Error);
    }

    [Fact]
    public async Task Restore_TruncatedArchive_SaysWhatWasAndWasNotWritten()
    {
        new PodTree(_f.Root).Pod("web-0", DateTimeOffset.UtcNow.AddDays(-2), dir =>
        {
            for (var i = 0; i < 20; i++) File.WriteAllBytes(Path.Combine(dir, $"part-{i:00}.bin"), RandomBytes(64 << 10, i));
        });
        var key = await _f.ArchiveAsync("web-0");
        var path = Path.Combine(_f.StoreDir, key);
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);

        var result = await _f.RestoreAsync(key, "--to", _f.Temp["out"]);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"error: restore of {key} stopped:", result.Error);
        Assert.Matches(@"written under .*: \d+ entries \(\d+ files, .*\); the last was web-0/part-\d\d\.bin\.", result.Error);
        Assert.Contains("not written:", result.Error);
        Assert.Matches(@"the manifest lists \d+ entries that were not restored", result.Error);
    }

    private static byte[] RandomBytes(int size, int seed)
    {
        var b = new byte[size];
        new Random(seed).NextBytes(b);
        return b;
    }

    [Fact]
    public async Task Restore_NonEmptyTarget_RefusedWithoutForce()
    {
        var key = await ArchiveSampleAsync();
        var to = _f.Temp.Sub("busy");
        File.WriteAllText(Path.Combine(to, "keep.txt"), "mine");

        var refused = await _f.RestoreAsync(key, "--to", to);
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("is not empty", refused.Error);
        Assert.False(Directory.Exists(Path.Combine(to, "web-0")));

        var forced = await _f.RestoreAsync(key, "--to", to, "--force");

        Assert.True(forced.ExitCode == 0, forced.ToString());
        Assert.Equal("mine", File.ReadAllText(Path.Combine(to, "keep.txt")));
        Assert.True(File.Exists(Path.Combine(to, "web-0", "logs", "app.log")));
    }

    [Fact]
    public async Task Restore_NoManifest_RefusedUnlessNoManifestFlag()
    {
        var key = await ArchiveSampleAsync();
        File.Delete(Path.Combine(_f.StoreDir, key + ".manifest.json"));

        var refused = await _f.RestoreAsync(key, "--to", _f.Temp["a"]);
        var unchecked_ = await _f.RestoreAsync(key, "--to", _f.Temp["b"], "--no-manifest");

        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("pass --no-manifest", refused.Error);
        Assert.False(Directory.Exists(_f.Temp["a"]));
        Assert.True(unchecked_.ExitCode == 0, unchecked_.ToString());
        Assert.Contains("NOT verified", unchecked_.Out);
    }

    [Fact]
    public async Task Restore_MissingKey_ExitsTwoNamingIt()
    {
        var result = await _f.RestoreAsync("nope/web-0.tar.gz", "--to", _f.Temp["out"]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("no archive nope/web-0.tar.gz", result.Error);
    }

    [Fact]
    public async Task RestoreAndCat_ManifestWithoutItsArchive_ExitOneNamingTheArchiveAndWriteNothing()
    {
        // restore and cat read the manifest first and ask for the archive only by reading it.
        var key = await ArchiveSampleAsync();
        File.Delete(Path.Combine(_f.StoreDir, key));

        var restore = await _f.RestoreAsync(key, "--to", _f.Temp["out"]);
        var cat = await CliRunner.RunAsync(["cat", key, "logs/app.log", "--store", _f.StoreUrl]);

        Assert.True(restore.ExitCode == 1, restore.ToString());
        Assert.Contains($"no object {key}", restore.Error);
        Assert.False(Directory.Exists(_f.Temp["out"]) && Directory.EnumerateFileSystemEntries(_f.Temp["out"]).Any(), "restore wrote into its target");
        Assert.True(cat.ExitCode == 1, cat.ToString());
        Assert.Contains($"no object {key}", cat.Error);
        Assert.Equal("", cat.Out);
    }

    [Theory]
    [InlineData("tar -cjf {0} -C {1} web-0", "old/web-0.tar.bz2")]
    [InlineData("cd {1} && zip -qry {0} web-0", "old/web-0.zip")]
    public async Task Restore_HandMadeArchive_RestoresContentModesAndLinks(string command, string key)
    {
        var src = _f.Temp.Sub("hand");
        var dir = Directory.CreateDirectory(Path.Combine(src, "web-0", "logs")).FullName;
        File.WriteAllText(Path.Combine(dir, "app.log"), "hand made\n");
        File.SetUnixFileMode(Path.Combine(dir, "app.log"), (UnixFileMode)Convert.ToInt32("640", 8));
        File.CreateSymbolicLink(Path.Combine(src, "web-0", "current"), "logs/app.log");
        var longName = new string('L', 200) + ".log"; // GNU tar writes a 'L' long-name entry for this
        File.WriteAllText(Path.Combine(dir, longName), "long\n");
        Directory.CreateDirectory(Path.Combine(_f.StoreDir, "old"));
        var (code, output) = FidelityTests.Run("sh", $"-c {FidelityTests.Quote(string.Format(command, FidelityTests.Quote(Path.Combine(_f.StoreDir, key)), FidelityTests.Quote(src)))}");
        Assert.True(code == 0, output);

        var result = await _f.RestoreAsync(key, "--to", _f.Temp["out"], "--no-manifest");

        Assert.True(result.ExitCode == 0, result.ToString());
        var restored = Path.Combine(_f.Temp["out"], "web-0");
        Assert.Equal("hand made\n", File.ReadAllText(Path.Combine(restored, "logs", "app.log")));
        Assert.Equal(Convert.ToInt32("640", 8), (int)File.GetUnixFileMode(Path.Combine(restored, "logs", "app.log")));
        Assert.Equal("logs/app.log", new FileInfo(Path.Combine(restored, "current")).LinkTarget);
        Assert.Equal("long\n", File.ReadAllText(Path.Combine(restored, "logs", longName)));
    }

    public void Dispose() => _f.Dispose();
}
