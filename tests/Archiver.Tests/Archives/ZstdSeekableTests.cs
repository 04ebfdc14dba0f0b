using System.Buffers.Binary;
using Archiver.Archives;
using Archiver.Tests.Support;
using Xunit;

namespace Archiver.Tests.Archives;

/// <summary>zstd archives are independent frames plus a seek table in the zstd seekable format
/// (facebook/zstd contrib/seekable_format/zstd_seekable_compression_format.md), which plain
/// <c>zstd -d</c> skips.</summary>
public sealed class ZstdSeekableTests
{
    private const int Block = 64 * 1024;

    [Theory]
    [InlineData(0)]
    [InlineData(Block)]
    [InlineData(5 * Block + 777)]
    public void Write_AnySize_ZstdCliRestoresBytesAndSeekTableDescribesEveryFrame(int size)
    {
        using var dir = new TempDir("zseek");
        var data = CompressionSamples.LogLike(size);
        var path = dir["out.zst"];
        ParallelBlockStream zstd;
        using (var file = File.Create(path))
        using (zstd = new ParallelBlockStream(file, 3, workers: 2, blockSize: Block, format: ArchiveFormat.TarZst))
            CompressionSamples.WriteInPieces(zstd, data);

        var (exit, output, error) = ExternalTool.Run("zstd", "-dc", path);
        Assert.True(exit == 0, error);
        Assert.Equal(data, output);

        var bytes = File.ReadAllBytes(path);
        var index = zstd.Index;
        Assert.Equal(ManifestIndex.ZstdFrames, index.Kind);
        Assert.Equal(size, index.TarSize);
        var frames = index.Blocks;
        var footer = bytes.AsSpan(bytes.Length - 9);
        Assert.Equal(0x8F92EAB1u, BinaryPrimitives.ReadUInt32LittleEndian(footer[5..]));
        Assert.Equal(0, footer[4]);
        Assert.Equal((uint)frames, BinaryPrimitives.ReadUInt32LittleEndian(footer));
        var table = bytes.AsSpan((int)index.Offsets[^1]);
        Assert.Equal(0x184D2A5Eu, BinaryPrimitives.ReadUInt32LittleEndian(table));
        Assert.Equal((uint)(frames * 8 + 9), BinaryPrimitives.ReadUInt32LittleEndian(table[4..]));
        Assert.Equal(8 + frames * 8 + 9, table.Length);
        long decompressed = 0;
        for (var i = 0; i < frames; i++)
        {
            Assert.Equal(index.Offsets[i + 1] - index.Offsets[i], BinaryPrimitives.ReadUInt32LittleEndian(table[(8 + i * 8)..]));
            decompressed += BinaryPrimitives.ReadUInt32LittleEndian(table[(12 + i * 8)..]);
            // Each frame decompresses on its own.
            var one = dir[$"frame{i}.zst"];
            File.WriteAllBytes(one, bytes[(int)index.Offsets[i]..(int)index.Offsets[i + 1]]);
            var (frameExit, frameOut, frameError) = ExternalTool.Run("zstd", "-dc", one);
            Assert.True(frameExit == 0, frameError);
            Assert.Equal(data.AsSpan(i * Block, Math.Min(Block, size - i * Block)).ToArray(), frameOut);
        }
        Assert.Equal(size, decompressed);
    }
}
