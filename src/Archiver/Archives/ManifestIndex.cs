namespace Archiver.Archives;

/// <summary>
/// The block index of an archive's compressed stream. The compressor cuts the tar stream into
/// blocks of <see cref="BlockSize"/> bytes (the last may be shorter) and compresses each one on its
/// own: a gzip member (<see cref="GzipMembers"/>) or a zstd frame (<see cref="ZstdFrames"/>). Block
/// <c>i</c> holds tar bytes <c>[i × BlockSize, (i+1) × BlockSize)</c> and its compressed bytes start
/// at <c>Offsets[i]</c>; the last element of <see cref="Offsets"/> is where the last block ends. So
/// an entry at tar offset <c>o</c> starts in block <c>o / BlockSize</c>, <c>o % BlockSize</c> bytes
/// in, and decompressing from <c>Offsets[o / BlockSize]</c> reaches it with nothing before it.
/// Offsets count bytes of the compressed stream as the compressor wrote it.
/// </summary>
public sealed record ManifestIndex
{
    public const string GzipMembers = "gzip-members";
    public const string ZstdFrames = "zstd-frames";

    public string Kind { get; init; } = "";
    public int BlockSize { get; init; }
    /// <summary>Bytes of the uncompressed tar stream.</summary>
    public long TarSize { get; init; }
    public List<long> Offsets { get; init; } = [];

    public int Blocks => Math.Max(0, Offsets.Count - 1);

    /// <summary>The compressed byte range <c>[Start, End)</c> holding tar bytes
    /// <c>[tarStart, tarEnd)</c>, and the tar offset where that range's first block starts.</summary>
    public (long Start, long End, long TarStart) RangeOf(long tarStart, long tarEnd)
    {
        if (BlockSize <= 0 || Offsets.Count < 2 || tarStart < 0 || tarEnd > TarSize || tarEnd <= tarStart)
            throw new InvalidDataException($"the manifest's index does not cover tar bytes {tarStart}..{tarEnd}");
        var first = (int)(tarStart / BlockSize);
        var last = (int)((tarEnd - 1) / BlockSize);
        if (last >= Blocks) throw new InvalidDataException($"the manifest's index has {Blocks} blocks; tar byte {tarEnd - 1} is past them");
        return (Offsets[first], Offsets[last + 1], (long)first * BlockSize);
    }
}

/// <summary>A compressor that writes independent blocks and, once disposed, says where each starts.</summary>
public interface IIndexedCompressor
{
    ManifestIndex Index { get; }
}
