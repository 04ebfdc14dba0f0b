using System.Formats.Tar;
using System.IO.Compression;
using Archiver.Archives;
using Archiver.Tests.Support;
using Xunit;

namespace Archiver.Tests.Archives;

public sealed class ParallelBlockStreamTests
{
    private const int Block = 64 * 1024;

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(Block - 1)]
    [InlineData(Block)]
    [InlineData(Block + 1)]
    [InlineData(3 * Block)]
    [InlineData(7 * Block + 12345)]
    public void Write_AnySize_GnuGzipRestoresTheSameBytes(int size)
    {
        using var dir = new TempDir("pgzip");
        var data = CompressionSamples.LogLike(size);
        var path = dir["out.gz"];
        using (var file = File.Create(path))
        using (var gzip = new ParallelBlockStream(file, 6, workers: 2, blockSize: Block))
            CompressionSamples.WriteInPieces(gzip, data);

        var (exit, output, error) = ExternalTool.Run("gzip", "-t", path);
        Assert.True(exit == 0, $"gzip -t rejected the stream: {error}");
        (exit, output, error) = ExternalTool.Run("gzip", "-dc", path);
        Assert.True(exit == 0, error);
        Assert.Equal(data, output);
    }

    [Fact]
    public void Write_ManyBlocks_DotNetGZipStreamReadsEveryMember()
    {
        var data = CompressionSamples.LogLike(5 * Block + 7);
        var compressed = new MemoryStream();
        using (var gzip = new ParallelBlockStream(compressed, 6, workers: 3, blockSize: Block))
            CompressionSamples.WriteInPieces(gzip, data);

        using var restored = new MemoryStream();
        using (var reader = Compression.Decompress(new MemoryStream(compressed.ToArray()), global::Archiver.Archives.ArchiveFormat.TarGz))
            reader.CopyTo(restored);
        Assert.Equal(data, restored.ToArray());
    }

    [Fact]
    public void Write_TarStream_GnuTarExtractsTheFiles()
    {
        using var dir = new TempDir("pgzip-tar");
        var content = CompressionSamples.LogLike(3 * Block + 99, seed: 4);
        var archive = dir["a.tar.gz"];
        using (var file = File.Create(archive))
        using (var gzip = new ParallelBlockStream(file, 6, workers: 2, blockSize: Block))
        using (var tar = new TarWriter(gzip, TarEntryFormat.Pax))
        {
            tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "pod/logs/access.log") { DataStream = new MemoryStream(content) });
            tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "pod/empty") { DataStream = new MemoryStream() });
        }

        var target = dir.Sub("x");
        var (exit, _, error) = ExternalTool.Run("tar", "-xzf", archive, "-C", target);
        Assert.True(exit == 0, $"tar -xz failed: {error}");
        Assert.Equal(content, File.ReadAllBytes(Path.Combine(target, "pod/logs/access.log")));
        Assert.Empty(File.ReadAllBytes(Path.Combine(target, "pod/empty")));
    }

    [Fact]
    public void Write_OneMiBBlocks_SizeWithinOnePercentOfOneGzipStream()
    {
        var data = CompressionSamples.LogLike(8 << 20, seed: 9);
        var single = new MemoryStream();
        using (var gzip = new GZipStream(single, new ZLibCompressionOptions { CompressionLevel = 6 }, leaveOpen: true))
            gzip.Write(data);
        var parallel = new MemoryStream();
        using (var gzip = new ParallelBlockStream(parallel, 6, workers: 2))
            gzip.Write(data);

        Assert.InRange(parallel.Length, 1, single.Length * 101 / 100);
    }

    [Fact]
    public void Dispose_DestinationFails_ThrowsInsteadOfWritingAShortArchive()
    {
        var gzip = new ParallelBlockStream(new FailingStream(), 6, workers: 2, blockSize: Block);
        gzip.Write(CompressionSamples.LogLike(Block / 2));

        Assert.Throws<IOException>(gzip.Dispose);
    }

    private sealed class FailingStream : MemoryStream
    {
        public override void Write(byte[] buffer, int offset, int count) => throw new IOException("disk full");
    }
}
