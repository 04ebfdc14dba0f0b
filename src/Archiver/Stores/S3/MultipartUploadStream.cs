namespace Archiver.Stores.S3;

/// <summary>
/// A write-only stream that cuts what is written into parts and uploads them while writing goes
/// on. The tar pipeline writes synchronously from a worker thread; a full part is handed to a
/// background upload and the writer goes on filling the next buffer. A part in flight holds one of
/// the <paramref name="slots"/>, which a store shares between all its uploads: when all are busy the
/// writer blocks, so the uploads of one store hold at most <c>(slots + uploads being written) × part
/// size</c> whatever the objects' sizes and however many archives are written at once.
/// <para>The first failed part (after the store's retries) cancels the others; the next write or
/// <see cref="FinishAsync"/> throws it.</para>
/// </summary>
public sealed class MultipartUploadStream : Stream
{
    /// <summary>Uploads one part: number, bytes; returns the part's ETag.</summary>
    public delegate Task<string> PartUploader(int partNumber, ReadOnlyMemory<byte> content, CancellationToken cancellationToken);

    private static readonly Serilog.ILogger Log = Serilog.Log.ForContext<MultipartUploadStream>();
    private readonly PartUploader _upload;
    private readonly long _startPartSize;
    private readonly PartSlots _slots;
    private readonly CancellationTokenSource _cts;
    private readonly PartBufferPool _pool;
    private readonly List<Task> _inFlight = [];
    private readonly SortedDictionary<int, string> _etags = [];
    private readonly object _gate = new();
    private byte[]? _buffer;
    private int _filled;
    private int _partNumber;
    private long _length;
    private Exception? _failure;
    private bool _finished;

    public MultipartUploadStream(PartUploader upload, long startPartSize, PartSlots slots, CancellationToken cancellationToken, PartBufferPool? pool = null)
    {
        _pool = pool ?? new PartBufferPool(slots.Count + 1);
        _upload = upload;
        _startPartSize = startPartSize;
        _slots = slots;
        _cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
    }

    /// <summary>Part buffers allocated so far by this stream's pool (for the memory bound's tests and logs).</summary>
    public int BuffersAllocated => _pool.Allocated;

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => !_finished;
    public override long Length => _length;
    public override long Position { get => _length; set => throw new NotSupportedException(); }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> data)
    {
        ObjectDisposedException.ThrowIf(_finished, this);
        ThrowIfFailed();
        while (!data.IsEmpty)
        {
            _buffer ??= Rent(PartSizing.SizeOf(_partNumber + 1, _startPartSize));
            var n = Math.Min(data.Length, _buffer.Length - _filled);
            data[..n].CopyTo(_buffer.AsSpan(_filled));
            _filled += n;
            _length += n;
            data = data[n..];
            if (_filled == _buffer.Length) Dispatch();
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        Write(buffer.AsSpan(offset, count));
        return Task.CompletedTask;
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Write(buffer.Span);
        return ValueTask.CompletedTask;
    }

    public override void Flush()
    {
    }

    /// <summary>Sends the last part (an empty one when nothing was written: S3 needs one part)
    /// and waits for every part. Returns the parts' ETags in order.</summary>
    public async Task<IReadOnlyList<(int PartNumber, string ETag)>> FinishAsync()
    {
        ObjectDisposedException.ThrowIf(_finished, this);
        if (_filled > 0 || _partNumber == 0)
        {
            _buffer ??= [];
            Dispatch();
        }
        _finished = true;
        Task[] pending;
        lock (_gate) pending = [.. _inFlight];
        await Task.WhenAll(pending).ConfigureAwait(false);
        ThrowIfFailed();
        // How much memory the bound allowed this upload (the memory tests read the same number).
        Log.Debug("Uploaded {Bytes} bytes in {Parts} parts with {Buffers} part buffers", _length, _partNumber, BuffersAllocated);
        lock (_gate) return _etags.Select(p => (p.Key, p.Value)).ToList();
    }

    /// <summary>Stops sending: cancels parts in flight and waits for them to end.</summary>
    public async Task CancelAsync()
    {
        _finished = true;
        await _cts.CancelAsync().ConfigureAwait(false);
        Task[] pending;
        lock (_gate) pending = [.. _inFlight];
        try
        {
            await Task.WhenAll(pending).ConfigureAwait(false);
        }
        catch
        {
            // Each part's failure is recorded already; cancelling is all that is asked here.
        }
    }

    private void Dispatch()
    {
        var buffer = _buffer!;
        var length = _filled;
        var number = ++_partNumber;
        _buffer = null;
        _filled = 0;
        if (number > PartSizing.MaxParts) throw new StoreException($"the archive needs more than {PartSizing.MaxParts} parts; raise the store's partSize");
        try
        {
            _slots.Gate.Wait(_cts.Token);
        }
        catch (OperationCanceledException)
        {
            ThrowIfFailed();
            throw;
        }
        ThrowIfFailed();
        var task = Task.Run(async () =>
        {
            try
            {
                var etag = await _upload(number, buffer.AsMemory(0, length), _cts.Token).ConfigureAwait(false);
                lock (_gate) _etags[number] = etag;
            }
            catch (Exception e)
            {
                lock (_gate) _failure ??= e;
                await _cts.CancelAsync().ConfigureAwait(false);
            }
            finally
            {
                _pool.Return(buffer);
                _slots.Gate.Release();
            }
        });
        lock (_gate) _inFlight.Add(task);
    }

    private byte[] Rent(long size) => _pool.Rent(size);

    private void ThrowIfFailed()
    {
        Exception? failure;
        lock (_gate) failure = _failure;
        if (failure is null) return;
        if (failure is StoreException) throw new StoreException(failure.Message, failure);
        throw new StoreException($"uploading a part failed: {failure.Message}", failure);
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}
