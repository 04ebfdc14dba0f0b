using System.IO.Compression;
using Archiver.Archives;
using Archiver.Tests.Support;
using Xunit;

namespace Archiver.Tests.Archives;

/// <summary>Blocks deflate cannot shrink are stored without the match search; everything else is
/// compressed as before, and either way gzip restores the same bytes.</summary>
public sealed class IncompressibleTests
{
    private const int Block = ParallelBlockStream.DefaultBlockSize;

    [Fact]
    public void Looks_RandomAndAlreadyCompressedData_AreIncompressible()
    {
        Assert.True(Incompressible.Looks(Random(Block, seed: 1)));
        Assert.True(Incompressible.Looks(Gzipped(CompressionSamples.LogLike(4 * Block, seed: 2))[..Block]));
    }

    [Fact]
    public void Looks_TextBinariesAndMixedBlocks_AreCompressed()
    {
        Assert.False(Incompressible.Looks(CompressionSamples.LogLike(Block, seed: 3)));
        Assert.False(Incompressible.Looks(File.ReadAllBytes(typeof(object).Assembly.Location).AsSpan(Block, Block)));
        Assert.False(Incompressible.Looks(Convert.ToBase64String(Random(Block, seed: 4)).Select(c => (byte)c).Take(Block).ToArray()));

        // The tail of a blob, then small files: the text is in one sample only, and that is enough.
        var mixed = Random(Block, seed: 5);
        CompressionSamples.LogLike(Block / 8, seed: 6).CopyTo(mixed, Block - Block / 8);
        Assert.False(Incompressible.Looks(mixed));

        // Tar headers between small compressed files pull every sample under the threshold.
        var spool = Random(Block, seed: 7);
        for (var at = 0; at < Block; at += 2048) spool.AsSpan(at, 512).Clear();
        Assert.False(Incompressible.Looks(spool));
    }

    [Fact]
    public void Looks_BlockShorterThanTheSamples_IsCompressed()
    {
        Assert.False(Incompressible.Looks(Random(Incompressible.Samples * Incompressible.SampleSize - 1, seed: 8)));
    }

    [Fact]
    public void Compress_RandomBlock_IsStoredNotSearched()
    {
        var data = Random(Block, seed: 9);
        var block = CompressionBlock.Rent(Block);
        data.CopyTo(block.Input, 0);
        block.InputLength = data.Length;
        var output = block.Compress(6).Output;
        var member = output.Buffer.AsSpan(0, (int)output.Length).ToArray();
        block.Return();

        // zlib-ng at level 6 also ends up storing random data, but in other block sizes: the member
        // is byte for byte what level 0 writes only when the search was skipped.
        Assert.Equal(Member(data, level: 0), member);
        Assert.NotEqual(Member(data, level: 6), member);
        Assert.Equal(data, Gunzip(member));
    }

    [Fact]
    public void Write_BlobBetweenLogs_GnuGzipRestoresTheBytesAtTheSizeOfLevelSix()
    {
        using var dir = new TempDir("incompressible");
        var data = CompressionSamples.LogLike(2 * Block, seed: 10).Concat(Random(3 * Block + 777, seed: 11)).Concat(CompressionSamples.LogLike(Block, seed: 12)).ToArray();
        var path = dir["out.gz"];
        using (var file = File.Create(path))
        using (var gzip = new ParallelBlockStream(file, 6, workers: 2))
            CompressionSamples.WriteInPieces(gzip, data);

        var (exit, output, error) = ExternalTool.Run("gzip", "-dc", path);
        Assert.True(exit == 0, error);
        Assert.Equal(data, output);
        var everyBlockAtSix = 0L;
        for (var at = 0; at < data.Length; at += Block)
            everyBlockAtSix += Member(data.AsSpan(at, Math.Min(Block, data.Length - at)).ToArray(), level: 6).Length;
        Assert.InRange(new FileInfo(path).Length, 1, everyBlockAtSix + everyBlockAtSix / 1000);
    }

    private static byte[] Random(int size, int seed)
    {
        var bytes = new byte[size];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    private static byte[] Gzipped(byte[] data) => Member(data, level: 6);

    private static byte[] Member(byte[] data, int level)
    {
        var output = new MemoryStream();
        using (var gzip = new GZipStream(output, new ZLibCompressionOptions { CompressionLevel = level }, leaveOpen: true))
            gzip.Write(data);
        return output.ToArray();
    }

    private static byte[] Gunzip(byte[] member)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(new MemoryStream(member), CompressionMode.Decompress))
            gzip.CopyTo(output);
        return output.ToArray();
    }
}
