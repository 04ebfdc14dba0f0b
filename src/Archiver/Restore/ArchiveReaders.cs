using System.IO.Compression;
using Archiver.Archives;
using ICSharpCode.SharpZipLib.BZip2;

namespace Archiver.Restore;

/// <summary>The reader of the entries of a stored archive, chosen by its key's suffix (the archives
/// Archiver writes, <see cref="ArchiveFormat"/>, and hand-made ones): <c>.tar.gz</c>/<c>.tgz</c>,
/// <c>.tar.zst</c>, <c>.tar.bz2</c>/<c>.tbz2</c> (hand-made archives), <c>.tar</c>, <c>.zip</c>.</summary>
public static class ArchiveReaders
{
    public static readonly string[] Suffixes = [".tar.gz", ".tgz", ".tar.zst", ".tzst", ".tar.bz2", ".tbz2", ".tbz", ".tar", ".zip"];

    public static bool CanOpen(string key) =>
        Suffixes.Any(s => key.EndsWith(s, StringComparison.OrdinalIgnoreCase));

    /// <summary>Opens a reader over <paramref name="raw"/>, the stored bytes (left open).</summary>
    public static IArchiveItemReader Open(string key, Stream raw)
    {
        var k = key.ToLowerInvariant();
        if (k.EndsWith(".zip", StringComparison.Ordinal)) return new ZipItemReader(raw);
        Stream tar;
        if (k.EndsWith(".tar.gz", StringComparison.Ordinal) || k.EndsWith(".tgz", StringComparison.Ordinal))
            tar = new GZipStream(raw, CompressionMode.Decompress, leaveOpen: true);
        else if (k.EndsWith(".tar.zst", StringComparison.Ordinal) || k.EndsWith(".tzst", StringComparison.Ordinal))
            tar = new ZstdSharp.DecompressionStream(raw, leaveOpen: true);
        else if (k.EndsWith(".tar.bz2", StringComparison.Ordinal) || k.EndsWith(".tbz2", StringComparison.Ordinal) || k.EndsWith(".tbz", StringComparison.Ordinal))
            tar = new BZip2InputStream(raw) { IsStreamOwner = false };
        else if (k.EndsWith(".tar", StringComparison.Ordinal))
            tar = raw;
        else
            throw new ConfigurationException($"cannot tell the format of {key} from its name; archives end in {string.Join(", ", Suffixes)}");
        return new DecompressedTar(tar, raw);
    }

    /// <summary>A tar reader that owns its decompressor and, at the end, reads the decompressor and
    /// the stored stream to their ends, so the stored bytes are hashed whole.</summary>
    private sealed class DecompressedTar(Stream tar, Stream raw) : IArchiveItemReader
    {
        private readonly TarStreamReader _reader = new(tar);

        public ArchiveItem? Next()
        {
            var item = _reader.Next();
            if (item is null)
            {
                tar.CopyTo(Stream.Null);
                if (!ReferenceEquals(tar, raw)) raw.CopyTo(Stream.Null);
            }
            return item;
        }

        public void Dispose()
        {
            _reader.Dispose();
            if (!ReferenceEquals(tar, raw)) tar.Dispose();
        }
    }
}
