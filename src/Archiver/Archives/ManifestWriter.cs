using System.Buffers;
using System.Text.Json;

namespace Archiver.Archives;

/// <summary>Streams a manifest to a spool stream entry by entry, so memory does not grow with the
/// number of files; the archive's own size and hash are written last, once known. Entries are
/// gathered in a small buffer and written to the spool 64 KiB at a time (serializing straight to
/// the stream flushed it once per entry: one write syscall per archived file). Written by hand with
/// <see cref="Utf8JsonWriter"/>, exactly as the serializer writes an <see cref="ArchiveManifest"/>
/// (ManifestJsonTests compares the two): the serializer's metadata for the manifest's property types
/// (long, int, DateTimeOffset, their nullables) are generic instantiations ReadyToRun cannot
/// precompile, JIT-compiled before the first archive byte of every process, and it cost ~3 µs per entry.</summary>
public sealed class ManifestWriter : IDisposable
{
    private const int ChunkSize = 64 * 1024;

    // An entry's names, encoded once: one entry is written per archived file.
    private static readonly JsonEncodedText PathName = JsonEncodedText.Encode("path"), TypeName = JsonEncodedText.Encode("type"),
        SizeName = JsonEncodedText.Encode("size"), ModeName = JsonEncodedText.Encode("mode"), UidName = JsonEncodedText.Encode("uid"),
        GidName = JsonEncodedText.Encode("gid"), MtimeName = JsonEncodedText.Encode("mtime"), LinkTargetName = JsonEncodedText.Encode("linkTarget"),
        Sha256Name = JsonEncodedText.Encode("sha256"), OffsetName = JsonEncodedText.Encode("offset");

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
        WriteSource(_json, source);
        _json.WriteStartArray("entries");
    }

    public long BytesIn => _bytesIn;

    private static void WriteSource(Utf8JsonWriter w, ManifestSource s)
    {
        w.WriteStartObject("source");
        w.WriteString("policy", s.Policy);
        w.WriteString("cluster", s.Cluster);
        w.WriteString("node", s.Node);
        if (s.Namespace is not null) w.WriteString("namespace", s.Namespace);
        if (s.Pod is not null) w.WriteString("pod", s.Pod);
        w.WriteString("root", s.Root);
        w.WriteString("dir", s.Dir);
        if (s.Fields is not null)
        {
            w.WriteStartObject("fields");
            foreach (var (name, value) in s.Fields) w.WriteString(name, value);
            w.WriteEndObject();
        }
        w.WriteEndObject();
    }

    public void Add(ManifestEntry entry)
    {
        var w = _json;
        w.WriteStartObject();
        w.WritePropertyName(PathName);
        FileNameJsonConverter.WriteName(w, entry.Path);
        w.WriteString(TypeName, entry.Type);
        w.WriteNumber(SizeName, entry.Size);
        w.WriteString(ModeName, entry.Mode);
        w.WriteNumber(UidName, entry.Uid);
        w.WriteNumber(GidName, entry.Gid);
        w.WriteString(MtimeName, entry.Mtime);
        if (entry.LinkTarget is { } target)
        {
            w.WritePropertyName(LinkTargetName);
            FileNameJsonConverter.WriteName(w, target);
        }
        if (entry.Sha256 is { } sha) w.WriteString(Sha256Name, sha);
        if (entry.Offset is { } offset) w.WriteNumber(OffsetName, offset);
        w.WriteEndObject();
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
        var w = _json;
        w.WriteEndArray();
        w.WriteStartArray("skipped");
        foreach (var skipped in _skipped)
        {
            w.WriteStartObject();
            w.WritePropertyName(PathName);
            FileNameJsonConverter.WriteName(w, skipped.Path);
            w.WriteString(TypeName, skipped.Type);
            w.WriteString("reason", skipped.Reason);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartObject("totals");
        w.WriteNumber("entries", _entries);
        w.WriteNumber("files", _files);
        w.WriteNumber("bytesIn", _bytesIn);
        w.WriteNumber("skipped", _skipped.Count);
        w.WriteEndObject();
        w.WriteStartObject("archive");
        w.WriteString("format", archive.Format);
        w.WriteNumber("level", archive.Level);
        w.WriteNumber(SizeName, archive.Size);
        w.WriteString(Sha256Name, archive.Sha256);
        if (archive.Encryption is not null) w.WriteString("encryption", archive.Encryption);
        if (archive.PayloadOffset is { } payloadOffset) w.WriteNumber("payloadOffset", payloadOffset);
        w.WriteEndObject();
        w.WriteString("fingerprint", fingerprint);
        if (index is not null)
        {
            w.WriteStartObject("index");
            w.WriteString("kind", index.Kind);
            w.WriteNumber("blockSize", index.BlockSize);
            w.WriteNumber("tarSize", index.TarSize);
            w.WriteStartArray("offsets");
            foreach (var offset in index.Offsets) w.WriteNumberValue(offset);
            w.WriteEndArray();
            w.WriteNumber("blocks", index.Blocks);
            w.WriteEndObject();
        }
        w.WriteEndObject();
        WriteBuffered();
        _spool.Flush();
    }

    public void Dispose() => _json.Dispose();
}
