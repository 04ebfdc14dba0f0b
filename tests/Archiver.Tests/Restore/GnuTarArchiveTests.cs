using System.IO.Compression;
using System.Text;
using Archiver.Tests.Support;

namespace Archiver.Tests.Restore;

/// <summary>
/// Issue 25 part 2: archives GNU tar made (or one GNU tar made, edited where GNU tar cannot make the
/// case) restore with <c>--no-manifest</c> as GNU tar 1.34 extracts them; each test compares the two
/// trees byte for byte (names, types, sizes, modes, mtimes, link targets, contents).
/// </summary>
public sealed class GnuTarArchiveTests : IDisposable
{
    private readonly RestoreFixture _f = new("gnutar-made");
    private readonly long _mtime = DateTimeOffset.UtcNow.AddDays(-2).ToUnixTimeSeconds();

    private string Source => _f.Temp.Sub("src");

    /// <summary>Names that are not UTF-8 in an archive GNU tar wrote: raw bytes in ustar name fields,
    /// GNU long-name ('L'/'K') records or PAX path/linkpath records (manual: "Basic Tar Format",
    /// "GNU and old GNU tar format", "POSIX tar format"). Each comes back byte for byte, and the two
    /// names that differ only in one invalid byte stay two files.</summary>
    [Theory]
    [InlineData("--format=gnu")]
    [InlineData("--format=pax")]
    public async Task Restore_ByteNamesWrittenByGnuTar_ComeBackByteForByte(string format)
    {
        var source = Directory.CreateDirectory(Path.Combine(Source, "web-0")).FullName;
        ByteNameTree.Fill(source, DateTimeOffset.FromUnixTimeSeconds(_mtime));
        var tar = GnuTar(format, "web-0");

        var (ours, gnu) = await RestoreBothAsync(tar, gnuExit: 0);

        var listing = ByteNameTree.Listing(Path.Combine(ours, "web-0"));
        Assert.Equal(Encoding.Latin1.GetString(ByteNameTree.Listing(source)), Encoding.Latin1.GetString(listing));
        Assert.Equal(Encoding.Latin1.GetString(ByteNameTree.Listing(gnu)), Encoding.Latin1.GetString(ByteNameTree.Listing(ours)));
        Assert.True(ByteNameTree.Lists(listing, [.. "caf"u8, 0xE9, .. ".log"u8]) && ByteNameTree.Lists(listing, [.. "caf"u8, 0xFF, .. ".log"u8]));
    }

    /// <summary>Several extended headers before one entry: GNU tar keeps only the last (the last 'x'
    /// header read replaces the earlier ones whole; tar 1.34 list.c read_header, and the manual's
    /// "Controlling Extended Header Keywords" on per-file headers). A decoy header naming another
    /// file is put before GNU tar's own header for real.txt, which has no path record.</summary>
    [Fact]
    public async Task Restore_TwoPaxHeadersBeforeOneEntry_AppliesTheLastLikeGnuTar()
    {
        Shell($"mkdir -p web-0 && printf real > web-0/real.txt && printf decoy > web-0/{new string('d', 130)} && touch -d @{_mtime} web-0/*");
        var decoy = GnuTar("--format=pax", $"web-0/{new string('d', 130)}");
        var real = GnuTar("--format=pax", "web-0/real.txt");
        Assert.Equal((byte)'x', decoy[156]);
        Assert.Contains("path=web-0/ddd", Encoding.ASCII.GetString(decoy, 512, 512));
        Assert.Equal((byte)'x', real[156]);
        var decoyHeader = decoy.AsSpan(0, 512 + Blocks(Size(decoy))).ToArray();

        var (ours, gnu) = await RestoreBothAsync([.. decoyHeader, .. real], gnuExit: 0);

        Assert.Equal("real", File.ReadAllText(Path.Combine(ours, "web-0", "real.txt")));
        Assert.Equal(["real.txt"], Directory.EnumerateFileSystemEntries(Path.Combine(ours, "web-0")).Select(Path.GetFileName));
        // web-0 itself is not in the archive: both make it at extraction time, so only its contents compare.
        Assert.Equal(ByteNameTree.Listing(Path.Combine(gnu, "web-0")), ByteNameTree.Listing(Path.Combine(ours, "web-0")));
    }

    /// <summary>Old-style GNU sparse entries (type 'S'), as <c>tar --sparse --format=gnu</c> writes
    /// them (manual: "Archiving Sparse Files" and "Storing Sparse Files", the old GNU format with its
    /// extension headers): 30 data runs need two extension blocks after the header.</summary>
    [Fact]
    public async Task Restore_OldGnuSparseEntry_RestoresTheFileSparselyLikeGnuTar()
    {
        Shell($"""
            mkdir -p web-0 && cd web-0
            for i in $(seq 0 29); do printf "run $i" | dd of=sparse.bin bs=1 seek=$((i * 131072 + 7)) conv=notrunc status=none; done
            truncate -s 5M sparse.bin && printf small > small.txt && touch -d @{_mtime} sparse.bin small.txt .
            """);
        var tar = GnuTar("--sparse", "--format=gnu", "web-0");
        Assert.Contains(EntryTypes(tar), t => t == 'S');

        var (ours, gnu) = await RestoreBothAsync(tar, gnuExit: 0);

        var restored = Path.Combine(ours, "web-0", "sparse.bin");
        Assert.Equal(File.ReadAllBytes(Path.Combine(Source, "web-0", "sparse.bin")), File.ReadAllBytes(restored));
        Assert.True(Archiver.FileSystem.FileStatus.Get(restored).AllocatedBytes < 1 << 20, "the holes came back as holes");
        Assert.Equal(ByteNameTree.Listing(gnu), ByteNameTree.Listing(ours));
    }

    /// <summary>A PAX mtime that is not a number (GNU tar never writes one, so GNU tar's own header is
    /// edited): GNU tar reports "Malformed extended header: invalid mtime=..." and uses the ustar
    /// header's mtime (tar 1.34 xheader.c decode_time; manual "Extended Header Keywords"). Archiver
    /// warns and does the same.</summary>
    [Fact]
    public async Task Restore_PaxMtimeNotANumber_WarnsAndUsesTheHeaderMtimeLikeGnuTar()
    {
        Shell($"mkdir -p web-0 && printf text > web-0/a.txt && touch -d @{_mtime}.25 web-0/a.txt web-0");
        var tar = GnuTar("--format=pax", "web-0");
        var text = Encoding.Latin1.GetString(tar);
        var at = text.IndexOf($" mtime={_mtime}.25", text.IndexOf("a.txt", StringComparison.Ordinal), StringComparison.Ordinal) + " mtime=".Length;
        Assert.True(at > " mtime=".Length);
        var end = text.IndexOf('\n', at);
        "yesterday afternoon"u8[..(end - at)].CopyTo(tar.AsSpan(at)); // same length: the record stays well-formed

        var (ours, gnu) = await RestoreBothAsync(tar, gnuExit: 2, expect: r =>
        {
            Assert.Contains("warning: web-0/a.txt: the PAX header's mtime 'yesterday ", r.Error);
            Assert.Contains("the tar header's mtime is used", r.Error);
        });

        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(_mtime), Archiver.FileSystem.FileStatus.Get(Path.Combine(ours, "web-0", "a.txt")).ModifiedAt);
        Assert.Equal(ByteNameTree.Listing(gnu), ByteNameTree.Listing(ours));
    }

    /// <summary>Restores <paramref name="tar"/> (gzipped into the store) with Archiver and extracts it
    /// with GNU tar; returns the two target directories.</summary>
    private async Task<(string Ours, string Gnu)> RestoreBothAsync(byte[] tar, int gnuExit, Action<CliRunner.Result>? expect = null)
    {
        var stored = Path.Combine(_f.StoreDir, "hand", "made.tar.gz");
        Directory.CreateDirectory(Path.GetDirectoryName(stored)!);
        using (var gz = new GZipStream(File.Create(stored), CompressionLevel.Fastest))
            gz.Write(tar);
        var ours = _f.Temp["ours"];
        var r = await _f.RestoreAsync("hand/made.tar.gz", "--to", ours, "--no-manifest");
        Assert.True(r.ExitCode == 0, r.ToString());
        expect?.Invoke(r);

        var gnu = _f.Temp.Sub("gnu");
        var (code, output) = FidelityTests.Run("tar", $"-xzf {FidelityTests.Quote(stored)} -C {FidelityTests.Quote(gnu)}");
        Assert.True(code == gnuExit, output);
        return (ours, gnu);
    }

    /// <summary>GNU tar's archive of <paramref name="args"/>. Run on the real clock: under libfaketime
    /// (tests/faketime.sh) GNU tar 1.34 records each file's mtime shifted by the fake offset, so the
    /// archive would not hold the times the test set.</summary>
    private byte[] GnuTar(params string[] args)
    {
        var (exit, output, error) = ExternalTool.Run("env", ["-u", "LD_PRELOAD", "-u", "FAKETIME", "tar", "-C", Source, "-cf", "-", .. args]);
        Assert.True(exit == 0, error);
        return output;
    }

    private void Shell(string script) => ExternalTool.Check("bash", "-c", $"set -e; cd '{Source}'; {script}");

    private static long Size(byte[] header) => Convert.ToInt64(Encoding.ASCII.GetString(header, 124, 11), 8);

    private static int Blocks(long size) => (int)((size + 511) / 512 * 512);

    /// <summary>The type flags of the archive's headers, in order.</summary>
    private static List<char> EntryTypes(byte[] tar)
    {
        var types = new List<char>();
        var at = 0;
        while (at + 512 <= tar.Length && tar[at] != 0)
        {
            var header = at;
            types.Add((char)tar[header + 156]);
            if (tar[header + 156] == 'S' && tar[header + 482] != 0)
                do at += 512; while (tar[at + 504] != 0); // extension blocks
            at += 512 + Blocks(Size(tar[header..(header + 512)]));
        }
        return types;
    }

    public void Dispose() => _f.Dispose();
}
