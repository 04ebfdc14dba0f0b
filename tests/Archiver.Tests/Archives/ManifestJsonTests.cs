using System.Text;
using System.Text.Json;
using Archiver.Archives;
using Archiver.FileSystem;

namespace Archiver.Tests.Archives;

/// <summary>
/// The manifest is written by hand (<see cref="ManifestWriter"/>) and read by System.Text.Json, and
/// the verify before a delete reads only its archive part (<see cref="ManifestArchiveReader"/>).
/// Both must agree with the serializer byte for byte: a manifest is read by `archiver restore`,
/// by older Archivers and by users' scripts.
/// </summary>
public sealed class ManifestJsonTests
{
    private static readonly DateTimeOffset CreatedAt = new DateTimeOffset(2026, 3, 4, 5, 6, 7, TimeSpan.Zero).AddTicks(1234567);

    private static readonly ManifestSource FullSource = new()
    {
        Policy = "p", Cluster = "c", Node = "node-1", Namespace = "ns", Pod = "web-0", Root = "/data", Dir = "web-0",
        Fields = new() { ["pod"] = "web-0", ["ns"] = "a \"quoted\" é <b>" },
    };

    /// <summary>Every kind of entry and name the writer meets: a directory, a file with its hash,
    /// a symlink, a name that is not UTF-8 (kept as \udcXX), quotes, controls, non-ASCII, HTML.</summary>
    private static readonly ManifestEntry[] Entries =
    [
        new("web-0", "dir", 0, "0755", 0, 0, CreatedAt.AddDays(-1), Offset: 0),
        new("web-0/app.log", "file", 12345, "0644", 1000, 1000, CreatedAt.AddTicks(-5), Sha256: new string('a', 64), Offset: 512),
        new("web-0/current", "symlink", 0, "0777", 0, 0, new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.FromHours(2)), LinkTarget: "app.log", Offset: 14000),
        new(FileName.Decode([.. "web-0/caf"u8, 0xe9, .. "-\x01.log"u8]), "file", 1, "0600", 5, 6, CreatedAt, Sha256: new string('b', 64), Offset: 15000),
        new("web-0/\"q\" <x> & 'y' \\ ü 日本", "file", 0, "0644", 0, 0, CreatedAt, Sha256: new string('c', 64)),
        new("web-0/hard", "hardlink", 0, "0644", 0, 0, CreatedAt, LinkTarget: FileName.Decode([.. "web-0/x"u8, 0xff])),
    ];

    private static readonly SkippedEntry[] Skipped = [new("web-0/sock", "socket", "a socket holds no data"), new(FileName.Decode([.. "web-0/f"u8, 0xfe]), "fifo", "a \"fifo\"")];

    public static TheoryData<string> Variants => ["full", "bare", "encrypted"];

    [Theory]
    [MemberData(nameof(Variants))]
    public void Writer_WritesWhatTheSerializerWrites_AndTheReaderGetsTheManifestBack(string variant)
    {
        var source = variant == "bare" ? new ManifestSource { Policy = "p", Root = "/data", Dir = "d" } : FullSource;
        var entries = variant == "bare" ? [] : Entries;
        var skipped = variant == "bare" ? [] : Skipped;
        var archive = new ManifestArchive
        {
            Format = "tar.zst", Level = 3, Size = 987654321012, Sha256 = new string('d', 64),
            Encryption = variant == "encrypted" ? "age" : null, PayloadOffset = variant == "encrypted" ? 210 : null,
        };
        var index = variant == "bare" ? null : new ManifestIndex { Kind = ManifestIndex.ZstdFrames, BlockSize = 1966080, TarSize = 5_000_000, Offsets = [0, 700_000, 1_400_001] };

        var written = Write(source, entries, skipped, archive, index);

        var expected = new ArchiveManifest
        {
            Key = "web-0/web-0-20260304T050607Z.tar.zst", CreatedAt = CreatedAt, Source = source, Entries = [.. entries], Skipped = [.. skipped],
            Totals = new ManifestTotals { Entries = entries.Length, Files = entries.Count(e => e.Type == "file"), BytesIn = entries.Where(e => e.Type == "file").Sum(e => e.Size), Skipped = skipped.Length },
            Archive = archive, Fingerprint = "fp-1", Index = index,
        };
        Assert.Equal(Serialize(expected), Encoding.UTF8.GetString(written));
        var read = JsonSerializer.Deserialize<ArchiveManifest>(written, ArchiveManifest.Json)!;
        Assert.Equal(entries, read.Entries);
        Assert.Equal(skipped, read.Skipped);
        Assert.Equal(archive, read.Archive);
        Assert.Equal(expected.Totals, read.Totals);
    }

    /// <summary>A property added to a manifest type must reach the hand-written writer: between them
    /// the variants above set every property (checked here), so the comparison shows one it misses.</summary>
    [Fact]
    public void Variants_SetEveryPropertyTheSerializerWrites()
    {
        var unset = new List<string>();
        void Check(object value)
        {
            foreach (var p in ArchiveManifest.Json.GetTypeInfo(value.GetType()).Properties)
                if (p.Get!(value) is null) unset.Add($"{value.GetType().Name}.{p.Name}");
        }
        Check(FullSource);
        Check(Entries.First(e => e.LinkTarget is not null && e.Sha256 is null));
        Check(Entries.First(e => e.Sha256 is not null));
        Check(Skipped[0]);
        Check(new ManifestArchive { Encryption = "age", PayloadOffset = 210 });
        Check(new ManifestIndex());
        Check(new ManifestTotals());
        Check(new ArchiveManifest { Index = new ManifestIndex() });

        Assert.Equal(["ManifestEntry.sha256", "ManifestEntry.linkTarget"], unset); // each set in the other entry
    }

    [Fact]
    public async Task ArchiveReader_GetsSizeAndSha_FromAManifestLargerThanItsBuffer_ReadAFewBytesAtATime()
    {
        var entries = Enumerable.Range(0, 3000).Select(i => new ManifestEntry($"web-0/spool/{i:x4}/msg-{i:d6}.json", "file", i, "0644", 0, 0, CreatedAt, Sha256: new string('e', 64), Offset: i * 1024L)).ToArray();
        var bytes = Write(FullSource, entries, Skipped, new ManifestArchive { Format = "tar.gz", Level = 6, Size = 42, Sha256 = new string('f', 64) }, null);
        Assert.True(bytes.Length > 3 * 64 * 1024);

        var got = await ManifestArchiveReader.ReadAsync(new TrickleStream(bytes), CancellationToken.None);

        Assert.Equal(new StoredDigest(42, new string('f', 64)), got);
    }

    [Fact]
    public async Task ArchiveReader_EveryCutShortManifest_IsNotValidJson()
    {
        var bytes = Write(FullSource, Entries, Skipped, new ManifestArchive { Format = "tar.gz", Level = 6, Size = 42, Sha256 = new string('f', 64) }, null);
        for (var cut = 0; cut < bytes.Length; cut++)
        {
            var prefix = bytes[..cut];
            await Assert.ThrowsAnyAsync<JsonException>(() => ManifestArchiveReader.ReadAsync(new TrickleStream(prefix), CancellationToken.None));
        }
        await Assert.ThrowsAnyAsync<JsonException>(() => ManifestArchiveReader.ReadAsync(new MemoryStream([.. bytes, .. "{}"u8]), CancellationToken.None));
    }

    [Theory]
    [InlineData("""{"source":{"fields":{"archive":"x"}},"entries":[{"path":"archive","archive":{"size":1,"sha256":"no"}}],"archive":{"format":"tar.gz","size":7,"sha256":"yes"}}""", 7L, "yes")]
    [InlineData("""{"archive":{"size":7}}""", null, null)]
    [InlineData("""{"archive":{"size":"7","sha256":"yes"}}""", null, null)]
    [InlineData("""{"entries":[],"totals":{"size":7,"sha256":"yes"}}""", null, null)]
    public async Task ArchiveReader_TakesOnlyTheTopLevelArchiveObject(string json, long? size, string? sha256)
    {
        var got = await ManifestArchiveReader.ReadAsync(new TrickleStream(Encoding.UTF8.GetBytes(json)), CancellationToken.None);

        Assert.Equal(size is null ? null : new StoredDigest(size.Value, sha256!), got);
    }

    [Fact]
    public async Task ArchiveReader_ANameLongerThanItsBuffer_IsRead()
    {
        var entry = new ManifestEntry("web-0/" + new string('n', 200_000), "file", 1, "0644", 0, 0, CreatedAt, Sha256: new string('e', 64));
        var bytes = Write(FullSource, [entry], [], new ManifestArchive { Format = "tar.gz", Level = 6, Size = 9, Sha256 = "s" }, null);

        Assert.Equal(new StoredDigest(9, "s"), await ManifestArchiveReader.ReadAsync(new MemoryStream(bytes), CancellationToken.None));
    }

    private static byte[] Write(ManifestSource source, IEnumerable<ManifestEntry> entries, IEnumerable<SkippedEntry> skipped, ManifestArchive archive, ManifestIndex? index)
    {
        using var spool = new MemoryStream();
        using (var w = new ManifestWriter(spool, "web-0/web-0-20260304T050607Z.tar.zst", CreatedAt, source))
        {
            foreach (var e in entries) w.Add(e);
            foreach (var s in skipped) w.Skip(s);
            w.Finish(archive, "fp-1", index);
        }
        return spool.ToArray();
    }

    /// <summary>The serializer, through a writer with the manifest writer's encoder.</summary>
    private static string Serialize(ArchiveManifest manifest)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
            JsonSerializer.Serialize(w, manifest, ArchiveManifest.Json);
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>Hands out 1 to 13 bytes per read, so tokens straddle every kind of boundary.</summary>
    private sealed class TrickleStream(byte[] data) : MemoryStream(data)
    {
        private int _next;

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(buffer.Length, 1 + _next++ % 13)], cancellationToken);
    }
}
