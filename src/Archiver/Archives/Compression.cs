using System.IO.Compression;
using Archiver.Policies;

namespace Archiver.Archives;

/// <summary>The compressor for an archive format: in-box zlib-ng for gzip, ZstdSharp for zstd.</summary>
public static class Compression
{
    public static Stream Compress(Stream output, ArchiveFormat format, int level) => format switch
    {
        ArchiveFormat.TarZst => new ZstdSharp.CompressionStream(output, level, 1 << 17, leaveOpen: true),
        _ => new GZipStream(output, new ZLibCompressionOptions { CompressionLevel = level }, leaveOpen: true),
    };

    public static Stream Decompress(Stream input, ArchiveFormat format) => format switch
    {
        ArchiveFormat.TarZst => new ZstdSharp.DecompressionStream(input, leaveOpen: false),
        _ => new GZipStream(input, CompressionMode.Decompress, leaveOpen: false),
    };

    public static string Name(ArchiveFormat format) => format == ArchiveFormat.TarZst ? "tar.zst" : "tar.gz";
}
