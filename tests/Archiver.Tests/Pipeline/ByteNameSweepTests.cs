using System.Text;
using Archiver.Tests.Restore;
using Archiver.Tests.Support;

namespace Archiver.Tests.Pipeline;

/// <summary>Issue 25: a pod directory whose names are not UTF-8 (Latin-1 from an old Java or C
/// program) is archived, deleted and restored byte for byte, by Archiver, by GNU tar and by deploy/restore.sh.</summary>
public sealed class ByteNameSweepTests
{
    [Fact]
    public async Task Sweep_NamesThatAreNotUtf8_ArchivedDeletedAndRestoredByteForByte()
    {
        using var s = new SweepScene();
        var dir = Directory.CreateDirectory(Path.Combine(s.Root, "web-1")).FullName;
        ByteNameTree.Fill(dir, s.Clock.GetUtcNow().AddDays(-3));
        var before = ByteNameTree.Listing(dir);
        Assert.True(ByteNameTree.Lists(before, [.. "caf"u8, 0xE9, .. ".log"u8]) && ByteNameTree.Lists(before, [.. "caf"u8, 0xFF, .. ".log"u8]));

        var r = await s.SweepAsync();

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.True(r.LineFor("web-1").GetProperty("deleted").GetBoolean());
        Assert.False(s.Exists("web-1")); // cleanup deleted the byte-named files too
        var archive = s.Archives().Single();
        var paths = s.Manifest().Entries.Select(e => Archiver.FileSystem.FileName.Printable(e.Path)).ToList();
        Assert.Contains("web-1/caf\\xe9.log", paths);
        Assert.Contains("web-1/caf\\xff.log", paths);
        Assert.Contains("web-1/d\\xe9/inner\\xfe", paths);

        // In the tar as GNU tar writes such names: raw bytes in PAX records (here also a sparse file's real name).
        var tar = Tar(archive);
        Assert.True(tar.AsSpan().IndexOf((byte[])[.. " path=web-1/caf"u8, 0xE9, .. ".log\n"u8]) > 0);
        Assert.True(tar.AsSpan().IndexOf((byte[])[.. " GNU.sparse.name=web-1/sparse"u8, 0xE9, (byte)'\n']) > 0);

        var restored = s.Tmp.Sub("restored");
        var restore = await CliRunner.RunAsync("restore", Path.GetRelativePath(s.StoreDir, archive), "--to", restored, "--store", s.StoreUrl);
        Assert.True(restore.ExitCode == 0, restore.ToString());
        Assert.Contains("verified against the manifest", restore.Out + restore.Error);
        Assert.Equal(Encoding.Latin1.GetString(before), Encoding.Latin1.GetString(ByteNameTree.Listing(Path.Combine(restored, "web-1"))));

        var gnu = s.Tmp.Sub("gnu");
        var (code, output) = FidelityTests.Run("tar", $"-xzf {FidelityTests.Quote(archive)} -C {FidelityTests.Quote(gnu)}");
        Assert.True(code == 0 && output.Length == 0, output); // not even a warning
        Assert.Equal(Encoding.Latin1.GetString(before), Encoding.Latin1.GetString(ByteNameTree.Listing(Path.Combine(gnu, "web-1"))));

        var script = s.Tmp.Sub("restore-sh");
        var (scriptCode, scriptOutput) = FidelityTests.Run("sh", $"{FidelityTests.Quote(RepoRoot.Combine("deploy", "restore.sh"))} {FidelityTests.Quote(new Uri(archive).AbsoluteUri)} {FidelityTests.Quote(script)}");
        Assert.True(scriptCode == 0, scriptOutput);
        Assert.Equal(Encoding.Latin1.GetString(before), Encoding.Latin1.GetString(ByteNameTree.Listing(Path.Combine(script, "web-1"))));
    }

    private static byte[] Tar(string archive)
    {
        using var gz = new System.IO.Compression.GZipStream(File.OpenRead(archive), System.IO.Compression.CompressionMode.Decompress);
        using var tar = new MemoryStream();
        gz.CopyTo(tar);
        return tar.ToArray();
    }
}
