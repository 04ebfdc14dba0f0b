namespace Archiver.Stores;

/// <summary>The next <c>length</c> bytes of a stream it owns, and no more: a range of an object. Ending
/// early is an error naming the key (the object is shorter than the range asked for).</summary>
public sealed class BoundedReadStream(Stream inner, long length, string key) : Stream
{
    private readonly long _length = length;
    private long _left = length;

    /// <summary>Reads and drops <paramref name="count"/> bytes of <paramref name="stream"/>.</summary>
    public static async Task SkipAsync(Stream stream, long count, string key, CancellationToken cancellationToken)
    {
        var buffer = new byte[81920];
        while (count > 0)
        {
            var n = await stream.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, count)), cancellationToken);
            if (n == 0) throw new StoreException($"{key} ends before the range asked for; the object is shorter than its manifest says");
            count -= n;
        }
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (_left == 0 || buffer.IsEmpty) return 0;
        var n = inner.Read(buffer[..(int)Math.Min(buffer.Length, _left)]);
        return Account(n);
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_left == 0 || buffer.IsEmpty) return 0;
        var n = await inner.ReadAsync(buffer[..(int)Math.Min(buffer.Length, _left)], cancellationToken);
        return Account(n);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    private int Account(int n)
    {
        if (n == 0) throw new StoreException($"{key} ends {_left} bytes before the end of the range asked for; the object is shorter than its manifest says");
        _left -= n;
        return n;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) inner.Dispose();
        base.Dispose(disposing);
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => _length;
    public override long Position { get => _length - _left; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
