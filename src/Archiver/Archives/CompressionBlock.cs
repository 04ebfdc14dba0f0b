using System.Collections.Concurrent;
using System.IO.Compression;

namespace Archiver.Archives;

/// <summary>
/// One block of <see cref="ParallelBlockStream"/>: its input bytes and their compressed gzip
/// member or zstd frame. Slots are reused process-wide (a few are kept, the rest dropped) instead of renting
/// from <c>ArrayPool.Shared</c>, whose per-thread and per-core caches kept ~40 MiB of 1–2 MiB
/// arrays alive during a sweep.
/// </summary>
internal sealed class CompressionBlock
{
    private const int Kept = 8;
    private static readonly ConcurrentBag<CompressionBlock> Free = [];

    private CompressionBlock(int blockSize)
    {
        Input = new byte[blockSize];
        // Deflate grows incompressible data by ~5 bytes per 64 KiB stored block; the frame adds 18.
        Output = new GrowableBufferStream(new byte[blockSize + (blockSize >> 6) + 4096]);
    }

    public byte[] Input { get; }

    public int InputLength { get; set; }

    public GrowableBufferStream Output { get; }

    public static CompressionBlock Rent(int blockSize)
    {
        while (Free.TryTake(out var slot))
            if (slot.Input.Length == blockSize) return slot;
        return new CompressionBlock(blockSize);
    }

    public void Return()
    {
        InputLength = 0;
        Output.Reset();
        if (Free.Count < Kept) Free.Add(this);
    }

    /// <summary>Deflates the input as one complete gzip member into <see cref="Output"/>; input
    /// that deflate cannot shrink (<see cref="Incompressible"/>) is stored, not searched for matches.</summary>
    public CompressionBlock Compress(int level)
    {
        Output.Reset();
        if (InputLength == 0)
        {
            // GZipStream writes nothing for no input; gzip readers want at least one member.
            Output.Write(EmptyMember);
            return this;
        }
        if (Incompressible.Looks(Input.AsSpan(0, InputLength))) level = 0;
        using (var gzip = new GZipStream(Output, new ZLibCompressionOptions { CompressionLevel = level }, leaveOpen: true))
            gzip.Write(Input, 0, InputLength);
        return this;
    }

    /// <summary>Compresses the input as one complete zstd frame, with its content checksum, into <see cref="Output"/>.</summary>
    public CompressionBlock CompressZstd(int level)
    {
        Output.Reset();
        if (NativeZstd.IsAvailable) NativeZstd.CompressFrame(Input.AsSpan(0, InputLength), level, Output);
        else
        {
            using var zstd = new ZstdSharp.Compressor(level);
            zstd.SetParameter(ZstdSharp.Unsafe.ZSTD_cParameter.ZSTD_c_checksumFlag, 1);
            Output.Write(zstd.Wrap(Input.AsSpan(0, InputLength)));
        }
        return this;
    }

    // RFC 1952 header (deflate, no flags, mtime 0, OS Unix), an empty final stored block, CRC-32 0, size 0.
    private static ReadOnlySpan<byte> EmptyMember => [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0];
}
