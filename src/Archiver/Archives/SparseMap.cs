using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace Archiver.Archives;

/// <summary>One run of data in a sparse file: everything outside the runs reads as zeros.</summary>
public readonly record struct SparseSegment(long Offset, long Length);

/// <summary>
/// Finds a file's data runs with <c>lseek(SEEK_DATA/SEEK_HOLE)</c> and writes/reads the map of a
/// PAX "GNU.sparse 1.0" entry: the entry's data starts with the decimal map (count, then offset and
/// length per run, one number a line, zero-padded to 512 bytes), followed by the runs' bytes.
/// GNU tar and libarchive extract such entries as sparse files.
/// </summary>
public static partial class SparseMap
{
    private const int SeekData = 3;
    private const int SeekHole = 4;
    private const int ENXIO = 6;

    /// <summary>Files smaller than this are stored whole: a map would not save anything worth it.</summary>
    public const long MinimumSize = 1 << 20;

    [LibraryImport("libc", EntryPoint = "lseek", SetLastError = true)]
    private static partial long LSeek(SafeFileHandle fd, long offset, int whence);

    /// <summary>The data runs of an open file of <paramref name="size"/> bytes, or null when the file
    /// has no holes worth recording (or the file system cannot say).</summary>
    public static List<SparseSegment>? TryRead(SafeFileHandle file, long size)
    {
        var runs = new List<SparseSegment>();
        long position = 0, dataBytes = 0;
        while (position < size)
        {
            var data = LSeek(file, position, SeekData);
            if (data < 0)
            {
                if (Marshal.GetLastPInvokeError() == ENXIO) break; // only a hole from here to the end
                return null;
            }
            if (data >= size) break;
            var hole = LSeek(file, data, SeekHole);
            if (hole < 0) return null;
            hole = Math.Min(hole, size);
            runs.Add(new SparseSegment(data, hole - data));
            dataBytes += hole - data;
            position = hole;
        }
        if (dataBytes == size) return null;
        // GNU tar marks a trailing hole with an empty run at the end of the file.
        if (runs.Count == 0 || runs[^1].Offset + runs[^1].Length < size) runs.Add(new SparseSegment(size, 0));
        return runs;
    }

    /// <summary>The map as it precedes the data in a GNU.sparse 1.0 entry, padded to 512 bytes.</summary>
    public static byte[] Encode(IReadOnlyList<SparseSegment> runs)
    {
        var text = new StringBuilder();
        text.Append(runs.Count.ToString(CultureInfo.InvariantCulture)).Append('\n');
        foreach (var r in runs)
            text.Append(r.Offset.ToString(CultureInfo.InvariantCulture)).Append('\n')
                .Append(r.Length.ToString(CultureInfo.InvariantCulture)).Append('\n');
        var bytes = Encoding.ASCII.GetBytes(text.ToString());
        var padded = new byte[(bytes.Length + 511) / 512 * 512];
        bytes.CopyTo(padded, 0);
        return padded;
    }

    /// <summary>Reads the map at the start of a GNU.sparse 1.0 entry's data, consuming it and its
    /// padding. Checks that runs are ordered, inside <paramref name="realSize"/> and no larger than
    /// the entry holds.</summary>
    public static List<SparseSegment> Decode(Stream data, long realSize, long storedSize, string name)
    {
        long consumed = 0;
        long Next()
        {
            long value = 0;
            var digits = 0;
            while (true)
            {
                var b = data.ReadByte();
                consumed++;
                if (b < 0) throw new InvalidDataException($"{name}: sparse map is truncated");
                if (b == '\n' && digits > 0) return value;
                if (b is < '0' or > '9' || digits >= 19)
                    throw new InvalidDataException($"{name}: sparse map is malformed");
                value = value * 10 + (b - '0');
                digits++;
            }
        }
        var count = Next();
        if (count > 1_000_000) throw new InvalidDataException($"{name}: sparse map has {count} runs; refusing");
        var runs = new List<SparseSegment>((int)count);
        long end = 0, total = 0;
        for (var i = 0; i < count; i++)
        {
            var offset = Next();
            var length = Next();
            if (offset < end || offset + length > realSize || offset + length < offset)
                throw new InvalidDataException($"{name}: sparse map run {offset}+{length} is out of order or past the file's size {realSize}");
            runs.Add(new SparseSegment(offset, length));
            end = offset + length;
            total += length;
        }
        var pad = (512 - consumed % 512) % 512;
        for (var i = 0; i < pad; i++)
            if (data.ReadByte() < 0) throw new InvalidDataException($"{name}: sparse map is truncated");
        if (consumed + pad + total != storedSize)
            throw new InvalidDataException($"{name}: sparse map describes {total} data bytes but the entry holds {storedSize - consumed - pad}");
        return runs;
    }
}
