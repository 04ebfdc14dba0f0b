using System.Globalization;
using System.Text;
using Archiver.Archives;
using Archiver.FileSystem;

namespace Archiver.Restore;

/// <summary>
/// A forward-only tar reader: ustar, GNU (long names 'L'/'K', base-256 numbers, old-style sparse 'S')
/// and PAX (per-entry and global records, fractional and negative mtimes, names with newlines,
/// GNU.sparse 1.0). Names are bytes, decoded with <see cref="FileName"/>. Our own
/// because System.Formats.Tar rejects PAX records whose values contain a newline, which Linux names
/// may. Entry data is read straight from the stream; whatever an entry's reader leaves is skipped.
/// </summary>
public sealed class TarStreamReader(Stream tar) : IArchiveItemReader
{
    private readonly Stream _tar = tar;
    private const int MaxMetadata = 16 << 20;
    private readonly byte[] _block = new byte[512];
    private readonly byte[] _extension = new byte[512];
    private readonly Dictionary<string, string> _global = new(StringComparer.Ordinal);
    private EntryData? _current;
    private bool _ended;

    public ArchiveItem? Next()
    {
        if (_ended) return null;
        _current?.SkipRest();
        _current = null;
        Dictionary<string, string>? local = null;
        string? longName = null, longLink = null;
        while (true)
        {
            if (!ReadBlock(allowEnd: true) || new TarHeaderBlock(_block).IsZero)
            {
                _ended = true;
                return null;
            }
            var h = new TarHeaderBlock(_block);
            if (!h.ChecksumMatches()) throw new InvalidDataException("tar header checksum mismatch: the archive is corrupt or not a tar");
            var type = h.TypeFlag;
            switch (type)
            {
                case 'x':
                    // GNU tar keeps only the last extended header before an entry (tar 1.34, list.c:
                    // read_header replaces the buffer xheader_read filled), so an earlier one is dropped whole.
                    local = new Dictionary<string, string>(StringComparer.Ordinal);
                    foreach (var (k, v) in Records(ReadMetadata(h.Size))) local[k] = v;
                    continue;
                case 'g':
                    foreach (var (k, v) in Records(ReadMetadata(h.Size))) _global[k] = v;
                    continue;
                case 'L':
                    longName = FileName.Decode(ReadMetadata(h.Size).AsSpan().TrimEnd((byte)0));
                    continue;
                case 'K':
                    longLink = FileName.Decode(ReadMetadata(h.Size).AsSpan().TrimEnd((byte)0));
                    continue;
            }
            var pax = new Dictionary<string, string>(_global, StringComparer.Ordinal);
            foreach (var (k, v) in local ?? []) pax[k] = v;
            var sparse = type == 'S' ? OldGnuSparse.Read(h, ReadExtensionBlock) : null;
            var size = pax.TryGetValue("size", out var ps) ? long.Parse(ps, CultureInfo.InvariantCulture) : h.Size;
            if (size < 0) throw new InvalidDataException("tar entry has a negative size");
            var kind = type switch
            {
                '0' or '\0' or '7' or 'S' => ItemKind.File,
                '1' => ItemKind.HardLink,
                '2' => ItemKind.Symlink,
                '5' => ItemKind.Directory,
                _ => ItemKind.Unsupported,
            };
            var name = pax.GetValueOrDefault("path") ?? longName ?? h.Name;
            if (kind == ItemKind.File && name.EndsWith('/')) kind = ItemKind.Directory; // v7 directories
            var link = pax.GetValueOrDefault("linkpath") ?? longLink ?? h.LinkName;
            var mtime = PaxTime(pax.GetValueOrDefault("mtime"), h.Mtime, out var warning);
            _current = new EntryData(this, size);
            var item = new ArchiveItem(
                name,
                kind,
                (UnixFileMode)h.Mode,
                (int)(pax.TryGetValue("uid", out var u) ? long.Parse(u, CultureInfo.InvariantCulture) : h.Uid),
                (int)(pax.TryGetValue("gid", out var g) ? long.Parse(g, CultureInfo.InvariantCulture) : h.Gid),
                mtime,
                kind == ItemKind.File ? size : 0,
                kind is ItemKind.Symlink or ItemKind.HardLink ? link : null)
            {
                Content = _current,
                TypeDescription = type switch { '3' => "character device", '4' => "block device", '6' => "fifo", _ => $"tar type '{type}'" },
                Warning = warning is null ? null : $"{FileName.Printable(name)}: {warning}",
            };
            if (sparse is { } old) item = item with { Size = old.RealSize, Sparse = old.Runs };
            else if (pax.TryGetValue("GNU.sparse.major", out var major)) item = Sparse(item, pax, major, size);
            return item;
        }
    }

    private static ArchiveItem Sparse(ArchiveItem item, Dictionary<string, string> pax, string major, long stored)
    {
        if (major != "1" || pax.GetValueOrDefault("GNU.sparse.minor") != "0")
            throw new NotSupportedException($"{item.Name}: GNU sparse format {major}.{pax.GetValueOrDefault("GNU.sparse.minor")} is not supported (only 1.0); extract this archive with GNU tar");
        if (!pax.TryGetValue("GNU.sparse.name", out var name) || !pax.TryGetValue("GNU.sparse.realsize", out var text)
            || !long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var realSize))
            throw new InvalidDataException($"{item.Name}: sparse entry lacks GNU.sparse.name or a valid GNU.sparse.realsize");
        var runs = SparseMap.Decode(item.Content!, realSize, stored, name);
        return item with { Name = name, Size = realSize, Sparse = runs };
    }

    /// <summary>The entry's mtime: the PAX one (decimal seconds, maybe negative, maybe with a fraction,
    /// to 100 ns) when there is one. One that is not a number is reported and the header's mtime used,
    /// as GNU tar does ("Malformed extended header: invalid mtime=...", tar 1.34 xheader.c decode_time).</summary>
    private static DateTimeOffset PaxTime(string? text, long headerSeconds, out string? warning)
    {
        warning = null;
        if (text is not null && decimal.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var seconds))
            return DateTimeOffset.UnixEpoch.AddTicks((long)decimal.Floor(seconds * TimeSpan.TicksPerSecond));
        if (text is not null) warning = $"the PAX header's mtime '{FileName.Printable(text)}' is not a number; the tar header's mtime is used, as GNU tar does";
        return DateTimeOffset.UnixEpoch.AddSeconds(headerSeconds);
    }

    /// <summary>PAX records: "LEN key=value\n", where LEN counts the whole record, so values may hold newlines.</summary>
    private static IEnumerable<(string Key, string Value)> Records(byte[] data)
    {
        var pos = 0;
        while (pos < data.Length && data[pos] != 0)
        {
            var space = Array.IndexOf(data, (byte)' ', pos);
            if (space < 0 || !int.TryParse(data.AsSpan(pos, space - pos), NumberStyles.None, CultureInfo.InvariantCulture, out var len)
                || len <= space - pos || pos + len > data.Length || data[pos + len - 1] != '\n')
                throw new InvalidDataException("PAX extended header has a malformed record");
            var record = data.AsSpan(space + 1, pos + len - space - 2);
            var eq = record.IndexOf((byte)'=');
            if (eq < 0) throw new InvalidDataException("PAX extended header record has no '='");
            yield return (Encoding.UTF8.GetString(record[..eq]), FileName.Decode(record[(eq + 1)..]));
            pos += len;
        }
    }

    private byte[] ReadMetadata(long size)
    {
        if (size is < 0 or > MaxMetadata) throw new InvalidDataException($"tar metadata entry of {size} bytes; refusing");
        var data = new byte[size];
        _tar.ReadExactly(data);
        Skip(Padding(size));
        return data;
    }

    /// <summary>The next 512 bytes, into a block of their own (the header's block stays as it is).</summary>
    private byte[] ReadExtensionBlock()
    {
        if (_tar.ReadAtLeast(_extension, 512, throwOnEndOfStream: false) != 512)
            throw new InvalidDataException("the archive ends inside a sparse entry's header; it is truncated");
        return _extension;
    }

    private bool ReadBlock(bool allowEnd)
    {
        var n = _tar.ReadAtLeast(_block, 512, throwOnEndOfStream: false);
        if (n == 512) return true;
        if (n == 0 && allowEnd) return false; // no end-of-archive blocks: tolerated, like GNU tar
        throw new InvalidDataException("the archive ends inside a tar header; it is truncated");
    }

    private void Skip(long count)
    {
        Span<byte> sink = stackalloc byte[4096];
        while (count > 0)
        {
            var n = _tar.Read(sink[..(int)Math.Min(sink.Length, count)]);
            if (n == 0) throw new InvalidDataException("the archive ends inside an entry; it is truncated");
            count -= n;
        }
    }

    private static long Padding(long size) => (512 - size % 512) % 512;

    public void Dispose() { }

    /// <summary>An entry's data: at most its size, then the padding is skipped on the next entry.</summary>
    private sealed class EntryData(TarStreamReader owner, long length) : Stream
    {
        private readonly long _size = length;
        private long _left = length;

        public void SkipRest()
        {
            owner.Skip(_left + Padding(_size));
            _left = 0;
        }

        public override int Read(Span<byte> buffer)
        {
            if (_left == 0) return 0;
            var n = owner._tar.Read(buffer[..(int)Math.Min(buffer.Length, _left)]);
            if (n == 0) throw new InvalidDataException("the archive ends inside an entry's data; it is truncated");
            _left -= n;
            return n;
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => _size;
        public override long Position { get => _size - _left; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
