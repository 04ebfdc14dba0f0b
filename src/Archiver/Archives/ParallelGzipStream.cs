using System.Buffers;
using System.IO.Compression;

namespace Archiver.Archives;

/// <summary>
/// A write-only gzip compressor that deflates fixed-size blocks on several threads, like pigz,
/// and writes them in order as consecutive gzip members (RFC 1952 §2.2: a gzip file is a series
/// of members; GNU gzip, tar -z, zcat, pigz and .NET's GZipStream all read it as one stream).
/// Each member is compressed independently (in-box zlib-ng), so a block restarts with an empty
/// window: with 1 MiB blocks that costs well under 1 % of size. Memory is bounded: at most
/// <c>workers + 1</c> blocks are in flight, each holding one input and one output buffer.
/// Compression errors surface on the next <see cref="Write(ReadOnlySpan{byte})"/> or on dispose.
/// </summary>
public sealed class ParallelGzipStream : Stream
{
    public const int DefaultBlockSize = 1 << 20;

    private readonly Stream _inner;
    private readonly int _level;
    private readonly int _blockSize;
    private readonly int _maxInFlight;
    private readonly bool _leaveOpen;
    private readonly Queue<Task<CompressedBlock>> _inFlight = new();
    private byte[]? _block;
    private int _fill;
    private long _position;
    private bool _wroteMember;
    private bool _disposed;

    public ParallelGzipStream(Stream inner, int level, int workers, int blockSize = DefaultBlockSize, bool leaveOpen = true)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(workers, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(blockSize, 1);
        _inner = inner;
        _level = level;
        _blockSize = blockSize;
        _maxInFlight = workers;
        _leaveOpen = leaveOpen;
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        while (!buffer.IsEmpty)
        {
            _block ??= ArrayPool<byte>.Shared.Rent(_blockSize);
            var n = Math.Min(buffer.Length, _blockSize - _fill);
            buffer[..n].CopyTo(_block.AsSpan(_fill));
            _fill += n;
            _position += n;
            buffer = buffer[n..];
            if (_fill == _blockSize) Submit();
        }
    }

    public override void WriteByte(byte value) => Write([value]);

    /// <summary>Hands the current block to the thread pool; writes finished blocks, oldest
    /// first, while more than <c>workers</c> are in flight.</summary>
    private void Submit()
    {
        var block = _block!;
        var length = _fill;
        _block = null;
        _fill = 0;
        var level = _level;
        _inFlight.Enqueue(Task.Run(() => CompressBlock(block, length, level)));
        while (_inFlight.Count > _maxInFlight) WriteOldest();
    }

    private void WriteOldest()
    {
        var block = _inFlight.Dequeue().GetAwaiter().GetResult();
        try
        {
            _inner.Write(block.Buffer, 0, block.Length);
            _wroteMember = true;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(block.Buffer);
        }
    }

    private static CompressedBlock CompressBlock(byte[] input, int length, int level)
    {
        try
        {
            if (length == 0)
            {
                // GZipStream writes nothing for no input; gzip readers want at least one member.
                var empty = ArrayPool<byte>.Shared.Rent(EmptyMember.Length);
                EmptyMember.CopyTo(empty);
                return new CompressedBlock(empty, EmptyMember.Length);
            }
            // Deflate never grows data by more than ~0.03 % plus a few bytes; the gzip frame adds 18.
            var output = new PooledBufferStream(length + (length >> 8) + 1024);
            using (var gzip = new GZipStream(output, new ZLibCompressionOptions { CompressionLevel = level }, leaveOpen: true))
                gzip.Write(input, 0, length);
            return new CompressedBlock(output.Buffer, (int)output.Length);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(input);
        }
    }

    /// <summary>Writes the blocks that are already compressed; never cuts a block short (a flush
    /// per tar entry would shrink members and cost ratio). The stream is finished on dispose.</summary>
    public override void Flush()
    {
        while (_inFlight.Count > 0 && _inFlight.Peek().IsCompleted) WriteOldest();
        _inner.Flush();
    }

    /// <summary>Compresses and writes every block still pending; the stream ends with a complete
    /// gzip member (an empty input still produces one valid, empty member).</summary>
    private void Finish()
    {
        if (_fill > 0 || !_wroteMember && _inFlight.Count == 0)
        {
            _block ??= ArrayPool<byte>.Shared.Rent(1);
            Submit();
        }
        while (_inFlight.Count > 0) WriteOldest();
        _inner.Flush();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && !_disposed)
        {
            try
            {
                Finish();
            }
            finally
            {
                _disposed = true;
                DrainQuietly();
                if (_block is not null) ArrayPool<byte>.Shared.Return(_block);
                _block = null;
                if (!_leaveOpen) _inner.Dispose();
            }
        }
        base.Dispose(disposing);
    }

    /// <summary>After a failure, waits for blocks still compressing so their buffers go back to the pool.</summary>
    private void DrainQuietly()
    {
        while (_inFlight.TryDequeue(out var task))
        {
            try
            {
                ArrayPool<byte>.Shared.Return(task.GetAwaiter().GetResult().Buffer);
            }
            catch (Exception)
            {
                // The first error was already thrown to the writer; later ones add nothing.
            }
        }
    }

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => !_disposed;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => _position; set => throw new NotSupportedException(); }
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    // RFC 1952 header (deflate, no flags, mtime 0, OS Unix), an empty final stored block, CRC-32 0, size 0.
    private static ReadOnlySpan<byte> EmptyMember => [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0];

    private readonly record struct CompressedBlock(byte[] Buffer, int Length);
}
