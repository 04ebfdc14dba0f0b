using System.Buffers;
using System.Formats.Tar;
using System.Globalization;
using System.Text;
using Archiver.FileSystem;

namespace Archiver.Archives;

/// <summary>
/// Writes a PAX entry whose name or link target is not UTF-8 (see <see cref="FileName"/>), byte for
/// byte: System.Formats.Tar encodes names as UTF-8 and would write U+FFFD in their place. As GNU tar
/// 1.34 itself writes such names: the raw bytes in the <c>path</c>/<c>linkpath</c> records of one
/// extended header (no <c>hdrcharset</c>, which GNU tar 1.34 warns is unknown), and the first 100
/// bytes in the ustar fields. The one extended header carries everything the entry needs (mtime to
/// 100 ns, sizes and ids too big for ustar, GNU.sparse.*), since GNU tar applies only the last
/// extended header before an entry.
/// </summary>
internal static class BinaryNamePaxEntry
{
    private const long MaxOctal11 = 0x1FFFFFFFF; // 8^11 - 1
    private const long MaxOctal7 = 0x1FFFFF;     // 8^7 - 1
    private static readonly string[] Carried = ["path", "linkpath", "mtime", "atime", "ctime", "size", "uid", "gid"];

    public static void Write(Stream output, PaxTarEntry entry)
    {
        var name = FileName.Encode(entry.Name);
        var link = FileName.Encode(entry.LinkName ?? "");
        var size = entry.DataStream?.Length ?? 0;
        var mtime = Seconds(entry.ModificationTime, out var fraction);
        var records = new MemoryStream();
        Record(records, "path", name);
        if (link.Length > 0) Record(records, "linkpath", link);
        Record(records, "mtime", Encoding.ASCII.GetBytes(fraction == 0 ? Number(mtime) : $"{Number(mtime)}.{fraction.ToString("D7", CultureInfo.InvariantCulture).TrimEnd('0')}"));
        if (size > MaxOctal11) Record(records, "size", Encoding.ASCII.GetBytes(Number(size)));
        if (entry.Uid > MaxOctal7) Record(records, "uid", Encoding.ASCII.GetBytes(Number(entry.Uid)));
        if (entry.Gid > MaxOctal7) Record(records, "gid", Encoding.ASCII.GetBytes(Number(entry.Gid)));
        foreach (var (key, value) in entry.ExtendedAttributes.Where(a => !Carried.Contains(a.Key)))
            Record(records, key, FileName.Encode(value));

        Span<byte> block = stackalloc byte[512];
        Header(block, [.. "PaxHeaders/"u8, .. name], [], 'x', 0b110_100_100, 0, 0, records.Length, Math.Max(mtime, 0));
        output.Write(block);
        output.Write(records.GetBuffer().AsSpan(0, (int)records.Length));
        Pad(output, records.Length);

        Header(block, name, link, (char)entry.EntryType, (int)entry.Mode, entry.Uid, entry.Gid, size, mtime);
        output.Write(block);
        if (entry.DataStream is { } data) Copy(data, output, size, entry.Name);
        Pad(output, size);
    }

    private static void Header(Span<byte> b, ReadOnlySpan<byte> name, ReadOnlySpan<byte> link, char type, int mode, long uid, long gid, long size, long mtime)
    {
        b.Clear();
        name[..Math.Min(name.Length, 100)].CopyTo(b);
        Octal(b.Slice(100, 8), mode);
        Octal(b.Slice(108, 8), uid <= MaxOctal7 ? uid : 0);
        Octal(b.Slice(116, 8), gid <= MaxOctal7 ? gid : 0);
        Octal(b.Slice(124, 12), size <= MaxOctal11 ? size : 0);
        Octal(b.Slice(136, 12), mtime is >= 0 and <= MaxOctal11 ? mtime : 0);
        b[156] = (byte)type;
        link[..Math.Min(link.Length, 100)].CopyTo(b[157..]);
        "ustar\u000000"u8.CopyTo(b[257..]);
        b.Slice(148, 8).Fill((byte)' ');
        var sum = 0;
        foreach (var x in b) sum += x;
        Octal(b.Slice(148, 7), sum);
    }

    /// <summary>Zero-padded octal digits and a NUL, filling the field.</summary>
    private static void Octal(Span<byte> field, long value)
    {
        var digits = Convert.ToString(value, 8).PadLeft(field.Length - 1, '0');
        Encoding.ASCII.GetBytes(digits, field);
        field[^1] = 0;
    }

    /// <summary>A PAX record, "LEN key=value\n", where LEN counts the whole record.</summary>
    private static void Record(MemoryStream to, string key, ReadOnlySpan<byte> value)
    {
        var body = key.Length + value.Length + 3; // ' ', '=', '\n'
        var length = body + 1;
        while (length != body + Number(length).Length) length++;
        to.Write(Encoding.ASCII.GetBytes($"{Number(length)} {key}="));
        to.Write(value);
        to.WriteByte((byte)'\n');
    }

    private static void Copy(Stream data, Stream output, long size, string name)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(1 << 16);
        try
        {
            for (long done = 0; done < size;)
            {
                var n = data.Read(buffer, 0, (int)Math.Min(buffer.Length, size - done));
                if (n == 0) throw new FileChangedException($"{FileName.Printable(name)} shrank while it was being archived");
                output.Write(buffer, 0, n);
                done += n;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static void Pad(Stream output, long size)
    {
        Span<byte> zeros = stackalloc byte[512];
        zeros.Clear();
        output.Write(zeros[..(int)((512 - size % 512) % 512)]);
    }

    /// <summary>Whole seconds since the epoch, rounded down, and the 100 ns ticks past them.</summary>
    private static long Seconds(DateTimeOffset time, out long fraction)
    {
        var seconds = Math.DivRem((time - DateTimeOffset.UnixEpoch).Ticks, TimeSpan.TicksPerSecond, out fraction);
        if (fraction < 0) (seconds, fraction) = (seconds - 1, fraction + TimeSpan.TicksPerSecond);
        return seconds;
    }

    private static string Number(long n) => n.ToString(CultureInfo.InvariantCulture);
}
