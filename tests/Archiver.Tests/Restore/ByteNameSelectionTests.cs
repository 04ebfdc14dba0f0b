using System.Text;
using Archiver.Tests.Support;

namespace Archiver.Tests.Restore;

/// <summary><c>find</c>, <c>restore --path</c> and <c>cat</c> on names that are not UTF-8: globs and
/// paths match the printed form, where each such byte is <c>\xHH</c>, and a name that differs only in
/// that byte is another entry.</summary>
public sealed class ByteNameSelectionTests : IDisposable
{
    private readonly RestoreFixture _f = new("bytenames");

    private async Task<string> ArchiveAsync()
    {
        ByteNameTree.Fill(Directory.CreateDirectory(Path.Combine(_f.Root, "web-0")).FullName, DateTimeOffset.UtcNow.AddDays(-1));
        return await _f.ArchiveAsync("web-0");
    }

    [Fact]
    public async Task Find_GlobOnPrintedForm_MatchesOnlyThatByte()
    {
        var key = await ArchiveAsync();

        var table = await CliRunner.RunAsync("find", "caf\\xe9*", "--store", _f.StoreUrl);
        var json = await CliRunner.RunAsync("find", "d\\x??/*", "--store", _f.StoreUrl, "--json");

        Assert.True(table.ExitCode == 0, table.ToString());
        var rows = table.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).ToList();
        Assert.Equal($"{key}\tcaf\\xe9.log", string.Join('\t', rows.Single().Split('\t').Take(2)));
        Assert.True(json.ExitCode == 0, json.ToString());
        Assert.Contains("\"path\":\"d\\udce9/inner\\udcfe\"", json.Out);
    }

    [Fact]
    public async Task RestorePath_GlobOnPrintedForm_RestoresExactlyThatFileByteForByte()
    {
        var key = await ArchiveAsync();
        var to = _f.Temp.Sub("chosen");

        var r = await _f.RestoreAsync(key, "--to", to, "--path", "caf\\xff*");

        Assert.True(r.ExitCode == 0, r.ToString());
        var listing = ByteNameTree.Listing(Path.Combine(to, "web-0"));
        Assert.True(ByteNameTree.Lists(listing, [.. "caf"u8, 0xFF, .. ".log"u8]), Encoding.Latin1.GetString(listing));
        Assert.False(ByteNameTree.Lists(listing, [.. "caf"u8, 0xE9, .. ".log"u8]));
        Assert.Equal("other", ReadBytes(Path.Combine(to, "web-0"), [.. "caf"u8, 0xFF, .. ".log"u8]));
    }

    [Fact]
    public async Task Cat_PrintedPath_WritesThatFilesBytes()
    {
        var key = await ArchiveAsync();

        var e9 = await CliRunner.RunAsync("cat", key, "caf\\xe9.log", "--store", _f.StoreUrl);
        var inner = await CliRunner.RunAsync("cat", key, "d\\xe9/inner\\xfe", "--store", _f.StoreUrl);

        Assert.True(e9.ExitCode == 0, e9.ToString());
        Assert.Equal((byte[])[.. "Latin-1 "u8, 0xE9], e9.RawOut);
        Assert.Equal("inner"u8.ToArray(), inner.RawOut);
    }

    /// <summary>A file's content read by <c>cat</c> on its byte name.</summary>
    private static string ReadBytes(string dir, byte[] name)
    {
        var escaped = string.Concat(name.Select(b => $"\\x{b:x2}"));
        var (exit, output, error) = ExternalTool.Run("bash", "-c", $"cat \"$0\"/$'{escaped}'", dir);
        Assert.True(exit == 0, error);
        return Encoding.UTF8.GetString(output);
    }

    public void Dispose() => _f.Dispose();
}
