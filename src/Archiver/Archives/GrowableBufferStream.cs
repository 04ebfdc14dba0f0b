namespace Archiver.Archives;

/// <summary>A write-only stream into a reusable byte buffer that grows (doubling) only if a
/// write does not fit; <see cref="Reset"/> empties it for the next use.</summary>
internal sealed class GrowableBufferStream(byte[] buffer) : Stream
{
    private int _length;

    public byte[] Buffer { get; private set; } = buffer;

    public void Reset() => _length = 0;

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        if (_length + buffer.Length > Buffer.Length)
        {
            var bigger = new byte[Math.Max(Buffer.Length * 2, _length + buffer.Length)];
            Buffer.AsSpan(0, _length).CopyTo(bigger);
            Buffer = bigger;
        }
        buffer.CopyTo(Buffer.AsSpan(_length));
        _length += buffer.Length;
    }

    public override void Flush() { }

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => _length;
    public override long Position { get => _length; set => throw new NotSupportedException(); }
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}
