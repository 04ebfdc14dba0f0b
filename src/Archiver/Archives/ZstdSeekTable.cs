using System.Buffers.Binary;

namespace Archiver.Archives;

/// <summary>
/// The seek table of the zstd seekable format (facebook/zstd
/// <c>contrib/seekable_format/zstd_seekable_compression_format.md</c>): a skippable frame (magic
/// <c>0x184D2A5E</c>, which <c>zstd -d</c> and every zstd reader skip) holding, per frame, its
/// compressed and decompressed size (u32, little-endian, no per-frame checksum: each frame carries its
/// own content checksum), then the footer: the number of frames (u32), the descriptor byte (0), and
/// the seekable magic <c>0x8F92EAB1</c>.
/// </summary>
public static class ZstdSeekTable
{
    public const uint SkippableMagic = 0x184D2A5E;
    public const uint SeekableMagic = 0x8F92EAB1;

    /// <summary>The seek table for frames whose compressed bytes start at <paramref name="offsets"/>
    /// (plus the end of the last) and which hold <paramref name="blockSize"/> bytes each, the last one
    /// whatever is left of <paramref name="total"/>.</summary>
    public static byte[] Build(IReadOnlyList<long> offsets, int blockSize, long total)
    {
        var frames = offsets.Count - 1;
        var table = new byte[8 + frames * 8 + 9];
        BinaryPrimitives.WriteUInt32LittleEndian(table, SkippableMagic);
        BinaryPrimitives.WriteUInt32LittleEndian(table.AsSpan(4), (uint)(frames * 8 + 9));
        for (var i = 0; i < frames; i++)
        {
            var decompressed = Math.Min(blockSize, total - (long)i * blockSize);
            BinaryPrimitives.WriteUInt32LittleEndian(table.AsSpan(8 + i * 8), checked((uint)(offsets[i + 1] - offsets[i])));
            BinaryPrimitives.WriteUInt32LittleEndian(table.AsSpan(12 + i * 8), (uint)Math.Max(0, decompressed));
        }
        var footer = table.AsSpan(8 + frames * 8);
        BinaryPrimitives.WriteUInt32LittleEndian(footer, (uint)frames);
        footer[4] = 0;
        BinaryPrimitives.WriteUInt32LittleEndian(footer[5..], SeekableMagic);
        return table;
    }
}
