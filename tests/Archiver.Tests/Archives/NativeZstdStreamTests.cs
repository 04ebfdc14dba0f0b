using Archiver.Archives;
using Archiver.Policies;
using Archiver.Tests.Support;
using Xunit;

namespace Archiver.Tests.Archives;

public sealed class NativeZstdStreamTests
{
    [Fact]
    public void IsAvailable_DebianWithLibzstd1_UsesTheNativeCompressor()
    {
        // Archiver's images and CI are Debian, which always ships libzstd1: the fast path must load there.
        Assert.True(NativeZstd.IsAvailable, "libzstd.so.1 did not load; zstd archives would fall back to the slower ZstdSharp");
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(1, 1)]
    [InlineData(200_000, 0)]
    [InlineData(5 << 20, 2)]
    public void Write_AnySizeAndWorkers_ZstdCliRestoresTheSameBytes(int size, int workers)
    {
        using var dir = new TempDir("zstd");
        var data = CompressionSamples.LogLike(size);
        var path = dir["out.zst"];
        using (var file = File.Create(path))
        using (var zstd = Compression.Compress(file, ArchiveFormat.TarZst, 3, workers))
            CompressionSamples.WriteInPieces(zstd, data);

        var (exit, output, error) = ExternalTool.Run("zstd", "-dcq", path);
        Assert.True(exit == 0, $"zstd -d rejected the frame: {error}");
        Assert.Equal(data, output);
        using var restored = new MemoryStream();
        using (var reader = Compression.Decompress(File.OpenRead(path), ArchiveFormat.TarZst))
            reader.CopyTo(restored);
        Assert.Equal(data, restored.ToArray());
    }

    [Fact]
    public void Dispose_DestinationFails_ThrowsInsteadOfWritingAShortArchive()
    {
        var zstd = new NativeZstdStream(new ThrowingStream(), 3, workers: 0);
        zstd.Write(CompressionSamples.LogLike(100_000));

        Assert.Throws<IOException>(zstd.Dispose);
    }

    private sealed class ThrowingStream : MemoryStream
    {
        public override void Write(byte[] buffer, int offset, int count) => throw new IOException("disk full");
    }
}
