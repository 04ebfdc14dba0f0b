using Archiver.FileSystem;

namespace Archiver.Restore;

/// <summary>
/// One 512-byte tar header (v7, ustar, GNU), decoded field by field: NUL-terminated names (bytes,
/// see <see cref="FileName"/>),
/// octal or GNU base-256 numbers (negative mtimes and sizes past 8 GiB), the ustar name prefix
/// (only when the magic says ustar; GNU uses that area for other things), and the checksum.
/// </summary>
internal readonly ref struct TarHeaderBlock(ReadOnlySpan<byte> block)
{
    private readonly ReadOnlySpan<byte> _b = block;

    public ReadOnlySpan<byte> Bytes => _b;

    public bool IsZero => !_b.ContainsAnyExcept((byte)0);

    public char TypeFlag => (char)_b[156];

    public string Name
    {
        get
        {
            var name = Text(0, 100);
            var isUstar = _b.Slice(257, 6).SequenceEqual("ustar\0"u8);
            var prefix = isUstar ? Text(345, 155) : "";
            return prefix.Length > 0 ? prefix + "/" + name : name;
        }
    }

    public string LinkName => Text(157, 100);

    public int Mode => (int)(Number(100, 8) & 0xFFF);

    public long Uid => Number(108, 8);

    public long Gid => Number(116, 8);

    public long Size => Number(124, 12);

    public long Mtime => Number(136, 12);

    public bool ChecksumMatches()
    {
        var stored = Number(148, 8);
        long unsigned = 0, signed = 0;
        for (var i = 0; i < 512; i++)
        {
            var v = i is >= 148 and < 156 ? (byte)' ' : _b[i];
            unsigned += v;
            signed += (sbyte)v;
        }
        return stored == unsigned || stored == signed;
    }

    private string Text(int offset, int length)
    {
        var field = _b.Slice(offset, length);
        var end = field.IndexOf((byte)0);
        return FileName.Decode(end < 0 ? field : field[..end]);
    }

    /// <summary>The octal or base-256 number in the field at <paramref name="offset"/>.</summary>
    public long Number(int offset, int length)
    {
        var field = _b.Slice(offset, length);
        if ((field[0] & 0x80) != 0)
        {
            // GNU base-256: big-endian two's complement in the remaining bits.
            long value = (field[0] & 0x40) != 0 ? -1 : 0;
            value = (value << 6) | (long)(field[0] & 0x3F);
            for (var i = 1; i < field.Length; i++) value = (value << 8) | field[i];
            return value;
        }
        long n = 0;
        foreach (var c in field)
        {
            if (c is (byte)' ' or 0)
            {
                if (n != 0) break;
                continue;
            }
            if (c is < (byte)'0' or > (byte)'7') throw new InvalidDataException($"tar header field at offset {offset} is not an octal number");
            n = checked(n * 8 + (c - '0'));
        }
        return n;
    }
}
