namespace Archiver.Restore;

/// <summary>
/// The map of an old-style GNU sparse entry (type 'S', what <c>tar --sparse --format=gnu</c> and
/// <c>--format=oldgnu</c> write; GNU tar manual, "GNU tar and sparse files" and the oldgnu_header in
/// tar.h): up to 4 (offset, size) pairs of 12-byte numbers at byte 386 of the header, a flag at 482
/// saying extension blocks follow, the real size at 483; each extension block holds 21 more pairs and
/// its own flag at byte 504. A pair whose size field is empty ends the map. The entry's data is the
/// runs' bytes one after the other.
/// </summary>
internal static class OldGnuSparse
{
    private const int PairSize = 24;

    public sealed record Map(long RealSize, List<Archives.SparseSegment> Runs);

    public static Map Read(TarHeaderBlock header, Func<byte[]> nextBlock)
    {
        var runs = new List<Archives.SparseSegment>();
        var realSize = header.Number(483, 12);
        var more = Add(header, 386, 4, runs) && header.Bytes[482] != 0;
        while (more)
        {
            var block = new TarHeaderBlock(nextBlock());
            more = Add(block, 0, 21, runs) && block.Bytes[504] != 0;
            if (runs.Count > 1 << 20) throw new InvalidDataException("old GNU sparse entry lists more than a million runs; refusing");
        }
        long end = 0;
        foreach (var run in runs)
        {
            if (run.Offset < end || run.Length < 0)
                throw new InvalidDataException($"old GNU sparse entry has a run at {run.Offset} before the end of the previous one ({end}); the archive is damaged");
            end = run.Offset + run.Length;
        }
        if (end > realSize) throw new InvalidDataException($"old GNU sparse entry has data past its real size {realSize}; the archive is damaged");
        return new Map(realSize, runs);
    }

    /// <summary>Adds the pairs at <paramref name="offset"/>; false when an empty one ended the map.</summary>
    private static bool Add(TarHeaderBlock block, int offset, int count, List<Archives.SparseSegment> runs)
    {
        for (var i = 0; i < count; i++)
        {
            var at = offset + i * PairSize;
            if (block.Bytes[at + 12] == 0) return false;
            runs.Add(new Archives.SparseSegment(block.Number(at, 12), block.Number(at + 12, 12)));
        }
        return true;
    }
}
