namespace Archiver.Archives;

/// <summary>A write-only pass-through that counts the bytes written, so the tar writer knows each
/// entry's offset in the tar stream (a <see cref="BufferedStream"/> cannot say its position).</summary>
internal sealed class CountingWriteStream(Stream inner) : Stream
{
    private long _count;

    public override long Position { get => _count; set => throw new NotSupportedException(); }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        inner.Write(buffer);
        _count += buffer.Length;
    }

    public override void WriteByte(byte value) => Write([value]);

    public override void Flush() => inner.Flush();

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}
