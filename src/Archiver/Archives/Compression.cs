using System.IO.Compression;

namespace Archiver.Archives;

/// <summary>
/// The compression streams of an <see cref="ArchiveFormat"/>. gzip: in-box zlib-ng, 1 MiB blocks deflated on
/// <c>workers</c> threads as consecutive gzip members (pigz-style, read by every gzip reader).
/// zstd: the same, in 1.875 MiB blocks compressed as independent frames (libzstd when present, else
/// ZstdSharp) followed by a seekable-format seek table, so one entry can be read with a range read.
/// </summary>
public static class Compression
{
    /// <summary>Compression threads for one archive when <paramref name="atOnce"/> archives are
    /// written at once: the machine's cores shared between them, at least 1 and at most 4, so a sweep
    /// keeps about <c>min(cores, 4 × atOnce)</c> cores busy and no more.</summary>
    public static int WorkersFor(int atOnce, int cores) => Math.Clamp(cores / Math.Max(1, atOnce), 1, 4);

    public static Stream Compress(Stream output, ArchiveFormat format, int level, int workers = 1) => format switch
    {
        ArchiveFormat.TarZst => new ParallelBlockStream(output, level, Math.Max(1, workers), ParallelBlockStream.ZstdBlockSize, format: ArchiveFormat.TarZst),
        _ => new ParallelBlockStream(output, level, workers),
    };

    public static Stream Decompress(Stream input, ArchiveFormat format) => format switch
    {
        ArchiveFormat.TarZst => new ZstdSharp.DecompressionStream(input, leaveOpen: false),
        _ => new GZipStream(input, CompressionMode.Decompress, leaveOpen: false),
    };
}
