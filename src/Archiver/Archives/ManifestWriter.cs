using System.Buffers;
using System.Text.Json;

namespace Archiver.Archives;

/// <summary>Streams a manifest to a spool stream entry by entry, so memory does not grow with the
/// number of files; the archive's own size and hash are written last, once known. Entries are
/// gathered in a small buffer and written to the spool 64 KiB at a time (serializing straight to
/// the stream flushed it once per entry: one write syscall per archived file).</summary>
public sealed class ManifestWriter : IDisposable
{
    private const int ChunkSize = 64 * 1024;
    private readonly Stream _spool;
    private readonly ArrayBufferWriter<byte> _buffer = new(ChunkSize + 4096);
    private readonly Utf8JsonWriter _json;
    private readonly List<SkippedEntry> _skipped = [];
    private long _entries;
    private long _files;
    private long _bytesIn;

    public ManifestWriter(Stream spool, string key, DateTimeOffset createdAt, ManifestSource source)
    {
        _spool = spool;
        _json = new Utf8JsonWriter(_buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        _json.WriteStartObject();
        _json.WriteString("format", ArchiveManifest.CurrentFormat);
        _json.WriteString("key", key);
        _json.WriteString("createdAt", createdAt);
        _json.WritePropertyName("source");
        JsonSerializer.Serialize(_json, source, ArchiveManifest.Json);
        _json.WriteStartArray("entries");
    }

    public long BytesIn => _bytesIn;

    public void Add(ManifestEntry entry)
    {
        JsonSerializer.Serialize(_json, entry, ArchiveManifest.Json);
        _entries++;
        if (entry.Type == "file")
        {
            _files++;
            _bytesIn += entry.Size;
        }
        if (_buffer.WrittenCount + _json.BytesPending >= ChunkSize) WriteBuffered();
    }

    private void WriteBuffered()
    {
        _json.Flush();
        _spool.Write(_buffer.WrittenSpan);
        _buffer.ResetWrittenCount();
    }

    public void Skip(SkippedEntry entry) => _skipped.Add(entry);

    public void Finish(ManifestArchive archive, string fingerprint, ManifestIndex? index = null)
    {
        _json.WriteEndArray();
        _json.WritePropertyName("skipped");
        JsonSerializer.Serialize(_json, _skipped, ArchiveManifest.Json);
        _json.WritePropertyName("totals");
        JsonSerializer.Serialize(_json, new ManifestTotals { Entries = _entries, Files = _files, BytesIn = _bytesIn, Skipped = _skipped.Count }, ArchiveManifest.Json);
        _json.WritePropertyName("archive");
        JsonSerializer.Serialize(_json, archive, ArchiveManifest.Json);
        _json.WriteString("fingerprint", fingerprint);
        if (index is not null)
        {
            _json.WritePropertyName("index");
            JsonSerializer.Serialize(_json, index, ArchiveManifest.Json);
        }
        _json.WriteEndObject();
        WriteBuffered();
        _spool.Flush();
    }

    public void Dispose() => _json.Dispose();
}
