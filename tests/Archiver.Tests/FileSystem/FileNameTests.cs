using System.Text;
using System.Text.Json;
using Archiver.Archives;
using Archiver.FileSystem;
using Archiver.Tests.Support;

namespace Archiver.Tests.FileSystem;

/// <summary>Names are bytes: the ones that are not UTF-8 survive decoding, the native calls, the
/// manifest's JSON and printing, and two that differ only in such bytes stay two.</summary>
public sealed class FileNameTests : IDisposable
{
    private readonly TempDir _dir = new("names");

    public static TheoryData<byte[]> Names()
    {
        var names = new TheoryData<byte[]>();
        names.Add([.. "caf"u8, 0xE9, .. ".log"u8]);
        names.Add([0xFF, 0xFE, .. ".log"u8]);
        names.Add([0xED, 0xB3, 0xA9]);                    // U+DCE9 itself encoded as UTF-8: not valid UTF-8, escaped byte by byte
        names.Add([0xE2, 0x82]);                          // a truncated sequence
        names.Add(Encoding.UTF8.GetBytes("ok \U0001F4A9 ünï")); // a valid pair whose low half is in U+DC80..U+DCFF
        return names;
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void DecodeEncode_AnyBytes_RoundTripExactly(byte[] bytes)
    {
        var name = FileName.Decode(bytes);

        Assert.Equal(bytes, FileName.Encode(name));
        Assert.Equal(bytes.Length, FileName.ByteCount(name));
        Assert.Equal(!System.Text.Unicode.Utf8.IsValid(bytes), FileName.HasEscapes(name));
    }

    [Fact]
    public void Printable_InvalidBytes_AreHexEscapes()
    {
        Assert.Equal("caf\\xe9.log", FileName.Printable(FileName.Decode([.. "caf"u8, 0xE9, .. ".log"u8])));
        Assert.Equal("a\\nb\\xff", FileName.Printable(FileName.Decode([.. "a\nb"u8, 0xFF])));
        Assert.Equal("ünï \U0001F4A9", FileName.Printable("ünï \U0001F4A9"));
    }

    [Fact]
    public void DirectoryNames_TwoNamesDifferingOnlyInInvalidBytes_AreTwoNamesThatOpenTheirOwnFiles()
    {
        byte[] e9 = [.. "caf"u8, 0xE9, .. ".log"u8], ff = [.. "caf"u8, 0xFF, .. ".log"u8];
        Create(e9, "latin-1");
        Create(ff, "other");

        var names = DirectoryNames.Read(Native.AtFdCwd, _dir.Path, _dir.Path);

        Assert.Equal(2, names.Count);
        Assert.Equal([e9, ff], names.Select(FileName.Encode).OrderBy(b => b[3]).ToArray());
        // The native layer reaches each file by its own bytes.
        Assert.Equal(7, FileStatus.Get(Path.Combine(_dir.Path, FileName.Decode(e9))).Size);
        Assert.Equal(5, FileStatus.Get(Path.Combine(_dir.Path, FileName.Decode(ff))).Size);
    }

    /// <summary>A directory whose entries take several <c>getdents64</c> reads (32 KiB each): every
    /// name comes back once, the longest (255 bytes) and the ones that are not UTF-8 exactly.</summary>
    [Fact]
    public void DirectoryNames_ADirectoryOfThousandsOfNames_ReadsEachOnceExactly()
    {
        var expected = new List<byte[]>();
        for (var i = 0; i < 3000; i++)
        {
            byte[] name = i % 3 == 0 ? [.. System.Text.Encoding.ASCII.GetBytes($"f{i:d5}-"), 0xE9, .. new byte[i % 200 + 1].Select(_ => (byte)'x')]
                : System.Text.Encoding.ASCII.GetBytes($"msg-{i:d6}.json");
            expected.Add(name);
            Create(name, "");
        }
        byte[] longest = [.. Enumerable.Repeat((byte)'L', 255)];
        expected.Add(longest);
        Create(longest, "");

        var names = DirectoryNames.Read(Native.AtFdCwd, _dir.Path, _dir.Path);

        Assert.Equal(expected.Select(Convert.ToHexString).Order(StringComparer.Ordinal), names.Select(n => Convert.ToHexString(FileName.Encode(n))).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void TreeWalker_BytesNames_AreWalkedAndSymlinkTargetsReadAsBytes()
    {
        byte[] target = [.. "t"u8, 0xE9];
        Create(target, "x");
        ExternalTool.Check("bash", "-c", $"cd '{_dir.Path}' && ln -s $'t\\xe9' $'l\\xff'");

        var entries = TreeWalker.Walk(_dir.Path).Skip(1).ToList();

        Assert.Equal(2, entries.Count);
        var link = entries.Single(e => e.Status.Type == EntryType.Symlink);
        Assert.Equal((byte[])[.. "l"u8, 0xFF], FileName.Encode(link.RelativePath));
        Assert.Equal(target, FileName.Encode(SymlinkTarget.Read(link.FullPath)));
    }

    [Fact]
    public void TreeWalker_ExcludeGlob_MatchesThePrintedForm()
    {
        Create([.. "caf"u8, 0xE9, .. ".log"u8], "a");
        Create([.. "caf"u8, 0xFF, .. ".log"u8], "b");

        var excluded = TreeWalker.Walk(_dir.Path, new Glob(["caf\\xe9*"])).Skip(1).ToDictionary(e => FileName.Printable(e.RelativePath), e => e.Excluded);

        Assert.Equal(new Dictionary<string, bool> { ["caf\\xe9.log"] = true, ["caf\\xff.log"] = false }, excluded);
    }

    [Fact]
    public void ManifestEntry_NameWithInvalidBytes_IsWrittenAsUdcEscapesAndReadBack()
    {
        var name = "p/" + FileName.Decode([.. "caf"u8, 0xE9, .. " \"q\" \U0001F4A9"u8]);
        var entry = new ManifestEntry(name, "symlink", 0, "0777", 0, 0, DateTimeOffset.UnixEpoch, LinkTarget: FileName.Decode([0xFF]));

        var json = JsonSerializer.Serialize(entry, ArchiveManifest.Json);
        var back = JsonSerializer.Deserialize<ManifestEntry>(json, ArchiveManifest.Json)!;

        Assert.Contains("\"path\":\"p/caf\\udce9 \\\"q\\\" \U0001F4A9\"", json);
        Assert.Contains("\"linkTarget\":\"\\udcff\"", json);
        Assert.Equal(FileName.Encode(name), FileName.Encode(back.Path));
        Assert.Equal([0xFF], FileName.Encode(back.LinkTarget!));
    }

    private void Create(byte[] name, string content)
    {
        var path = Path.Combine(_dir.Path, FileName.Decode(name));
        var fd = Native.OpenAt(Native.AtFdCwd, path, Native.OWrOnly | Native.OCreat | Native.OExcl, 0b110_100_100);
        Assert.True(fd >= 0, Native.Describe(Native.Errno));
        using var handle = new Microsoft.Win32.SafeHandles.SafeFileHandle(fd, ownsHandle: true);
        RandomAccess.Write(handle, Encoding.UTF8.GetBytes(content), 0);
    }

    public void Dispose() => _dir.Dispose();
}
