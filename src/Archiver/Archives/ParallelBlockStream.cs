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
/// With <see cref="ArchiveFormat.TarZst"/> the blocks are independent zstd frames instead (each with
/// its content checksum) and the stream ends with a seek table in the zstd seekable format
/// (<see cref="ZstdSeekTable"/>). Either way <see cref="Index"/> says where each block starts.
/// </summary>
public sealed class ParallelBlockStream : Stream, IIndexedCompressor
{
    public const int DefaultBlockSize = 1 << 20;

    /// <summary>zstd frames of 1.875 MiB (15 zstd blocks of 128 KiB): independent frames cost ratio,
    /// more so when small; and one frame of incompressible data plus the two 64 KiB age chunks that
    /// can straddle its ends stays within 2 MiB + 64 KiB, the bound of reading one small file out of
    /// an encrypted archive (with 2 MiB frames it was 712 bytes over).</summary>
    public const int ZstdBlockSize = (2 << 20) - (128 << 10);

    private readonly Stream _inner;
    private readonly int _level;
    private readonly int _blockSize;
    private readonly int _maxInFlight;
    private readonly bool _leaveOpen;
    private readonly ArchiveFormat _format;
    private readonly Queue<Task<CompressionBlock>> _inFlight = new();
    private CompressionBlock? _current;
    private readonly List<long> _memberOffsets = [];
    private long _position;
    private long _written;
    private bool _wroteMember;
    private bool _disposed;

    public ParallelBlockStream(Stream inner, int level, int workers, int blockSize = DefaultBlockSize, bool leaveOpen = true, ArchiveFormat format = ArchiveFormat.TarGz)
    {
        _format = format;
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
            var slot = _current ??= CompressionBlock.Rent(_blockSize);
            var n = Math.Min(buffer.Length, _blockSize - slot.InputLength);
            buffer[..n].CopyTo(slot.Input.AsSpan(slot.InputLength));
            slot.InputLength += n;
            _position += n;
            buffer = buffer[n..];
            if (slot.InputLength == _blockSize) Submit();
        }
    }

    public override void WriteByte(byte value) => Write([value]);

    /// <summary>Where each member starts in the output (block <c>i</c> holds input bytes
    /// <c>[i × blockSize, (i+1) × blockSize)</c>); complete once the stream is disposed.</summary>
    public ManifestIndex Index => new()
    {
        Kind = _format == ArchiveFormat.TarZst ? ManifestIndex.ZstdFrames : ManifestIndex.GzipMembers,
        BlockSize = _blockSize,
        TarSize = _position,
        Offsets = [.. _memberOffsets, _written],
    };

    /// <summary>Hands the current block to the thread pool; writes finished blocks, oldest
    /// first, while more than <c>workers</c> are in flight.</summary>
    private void Submit()
    {
        var slot = _current!;
        _current = null;
        var level = _level;
        _inFlight.Enqueue(_format == ArchiveFormat.TarZst ? Task.Run(() => slot.CompressZstd(level)) : Task.Run(() => slot.Compress(level)));
        while (_inFlight.Count > _maxInFlight) WriteOldest();
    }

    private void WriteOldest()
    {
        var slot = _inFlight.Dequeue().GetAwaiter().GetResult();
        try
        {
            _memberOffsets.Add(_written);
            _inner.Write(slot.Output.Buffer, 0, (int)slot.Output.Length);
            _written += slot.Output.Length;
            _wroteMember = true;
        }
        finally
        {
            slot.Return();
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
        if (_current is not null || !_wroteMember && _inFlight.Count == 0)
        {
            _current ??= CompressionBlock.Rent(_blockSize);
            Submit();
        }
        while (_inFlight.Count > 0) WriteOldest();
        if (_format == ArchiveFormat.TarZst) _inner.Write(ZstdSeekTable.Build([.. _memberOffsets, _written], _blockSize, _position));
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
                _current?.Return();
                _current = null;
                if (!_leaveOpen) _inner.Dispose();
            }
        }
        base.Dispose(disposing);
    }

    /// <summary>After a failure, waits for blocks still compressing so their buffers can be reused.</summary>
    private void DrainQuietly()
    {
        while (_inFlight.TryDequeue(out var task))
        {
            try
            {
                task.GetAwaiter().GetResult().Return();
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
}
