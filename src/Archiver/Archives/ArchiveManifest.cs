using System.Text.Json;
using System.Text.Json.Serialization;

namespace Archiver.Archives;

/// <summary>
/// <c>&lt;key&gt;.manifest.json</c>: what an archive holds and how to check it without Archiver
/// (<c>sha256sum</c> the archive, compare with <see cref="Archive"/>). Every entry has its path (as
/// in the tar), type, size, mode, owner, mtime, link target and, for files, SHA-256.
/// </summary>
public sealed record ArchiveManifest
{
    public const string CurrentFormat = "archiver-manifest/1";

    public string Format { get; init; } = CurrentFormat;
    public string Key { get; init; } = "";
    public DateTimeOffset CreatedAt { get; init; }
    public ManifestSource Source { get; init; } = new();
    public List<ManifestEntry> Entries { get; init; } = [];
    public List<SkippedEntry> Skipped { get; init; } = [];
    public ManifestTotals Totals { get; init; } = new();
    public ManifestArchive Archive { get; init; } = new();
    /// <summary>The tree's lstat fingerprint as it was archived (see TreeFingerprint).</summary>
    public string Fingerprint { get; init; } = "";
    /// <summary>Where each block of the compressed stream starts, so one entry can be read with a
    /// range read (see <see cref="ManifestIndex"/>); absent in archives made before it existed.</summary>
    public ManifestIndex? Index { get; init; }

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        WriteIndented = false,
        TypeInfoResolver = ArchivesJson.Default,
    };

    private static readonly Lazy<Task> ReaderWarmUp = new(() => Task.Run(async () =>
    {
        try
        {
            await JsonSerializer.DeserializeAsync<ArchiveManifest>(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(WarmUpSample)), Json);
        }
        catch (Exception)
        {
            // Only a warm-up: the real read reports its own errors.
        }
    }));

    /// <summary>
    /// Parses a one-file manifest on a pool thread, once per process, while the caller waits for the
    /// store to answer. ReadyToRun cannot precompile System.Text.Json's converters over these types,
    /// so the first parse JIT-compiles them; done here, that happens on the other core during the
    /// first (cold) S3 request instead of after it. `archiver cat` from S3 on 2 cores: the manifest's
    /// parse 60-85 ms -> 30-40 ms (docs/benchmarks.md, issue 17).
    /// </summary>
    public static void WarmUpReader() => _ = ReaderWarmUp.Value;

    /// <summary>Every part of a manifest a real read meets (source fields, a file entry with its
    /// SHA-256 and offset, skipped entries, totals, archive, index); ManifestWarmUpTests checks it names every property.</summary>
    internal const string WarmUpSample = """
        {"format":"archiver-manifest/1","key":"p/p-20260101T000000Z.tar.gz","createdAt":"2026-01-01T00:00:00+00:00",
        "source":{"policy":"p","cluster":"c","node":"n","namespace":"ns","pod":"p","root":"/data","dir":"p","fields":{"pod":"p"}},
        "entries":[{"path":"p","type":"dir","size":0,"mode":"0755","uid":0,"gid":0,"mtime":"2026-01-01T00:00:00+00:00","offset":0},
        {"path":"p/a.log","type":"file","size":1,"mode":"0644","uid":1000,"gid":1000,"mtime":"2026-01-01T00:00:00.1234567+00:00","sha256":"ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb","offset":1536},
        {"path":"p/l","type":"symlink","size":0,"mode":"0777","uid":0,"gid":0,"mtime":"2026-01-01T00:00:00+00:00","linkTarget":"a.log","offset":3584}],
        "skipped":[{"path":"p/s","type":"socket","reason":"a socket holds no data"}],
        "totals":{"entries":3,"files":1,"bytesIn":1,"skipped":1},
        "archive":{"format":"tar.gz","level":6,"size":100,"sha256":"ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb","encryption":null,"payloadOffset":null},
        "fingerprint":"f","index":{"kind":"gzip-members","blockSize":1048576,"tarSize":10240,"offsets":[0,100],"blocks":1}}
        """;
}

public sealed record ManifestSource
{
    public string Policy { get; init; } = "";
    public string Cluster { get; init; } = "";
    public string Node { get; init; } = "";
    public string? Namespace { get; init; }
    public string? Pod { get; init; }
    public string Root { get; init; } = "";
    public string Dir { get; init; } = "";
    public Dictionary<string, string>? Fields { get; init; }
}

/// <summary>One archived entry. <see cref="Path"/> and <see cref="LinkTarget"/> are names as
/// <see cref="FileSystem.FileName"/> holds them (see <see cref="FileNameJsonConverter"/> for their JSON form).
/// <see cref="Offset"/> is where its tar header (its PAX header first)
/// starts in the uncompressed tar stream; absent in archives made before the index existed.</summary>
public sealed record ManifestEntry(
    [property: JsonConverter(typeof(FileNameJsonConverter))] string Path,
    string Type,
    long Size,
    string Mode,
    int Uid,
    int Gid,
    DateTimeOffset Mtime,
    [property: JsonConverter(typeof(FileNameJsonConverter))] string? LinkTarget = null,
    string? Sha256 = null,
    long? Offset = null);

public sealed record SkippedEntry([property: JsonConverter(typeof(FileNameJsonConverter))] string Path, string Type, string Reason);

public sealed record ManifestTotals
{
    public long Entries { get; init; }
    public long Files { get; init; }
    public long BytesIn { get; init; }
    public long Skipped { get; init; }
}

public sealed record ManifestArchive
{
    public string Format { get; init; } = "";
    public int Level { get; init; }
    public long Size { get; init; }
    public string Sha256 { get; init; } = "";
    /// <summary><c>age</c> when the stored archive is age-encrypted (size and SHA-256 are then the
    /// ciphertext's, as stored); null for a plain archive.</summary>
    public string? Encryption { get; init; }
    /// <summary>Of an age-encrypted archive: the bytes of its age header and payload nonce, where
    /// the first 64 KiB STREAM chunk starts. A range read fetches exactly the header with it, then
    /// only the chunks that hold the <see cref="ArchiveManifest.Index"/>'s blocks (whose offsets are
    /// in the compressed stream, i.e. the plaintext of the age payload).</summary>
    public long? PayloadOffset { get; init; }
}
