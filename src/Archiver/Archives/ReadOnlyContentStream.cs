namespace Archiver.Archives;

/// <summary>
/// The shape the tar writer needs of an entry's content: read-only, a <see cref="Length"/> known up
/// front (tar headers carry the size first), and "seekable" only in that it reports its position.
/// Subclasses supply <see cref="Stream.Read(Span{byte})"/>.
/// </summary>
internal abstract class ReadOnlyContentStream(long length) : Stream
{
    protected long Consumed { get; set; }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override long Length => length;

    public override long Position { get => Consumed; set => throw new NotSupportedException(); }

    public override bool CanRead => true;

    // The tar writer asks for Length up front; it never seeks.
    public override bool CanSeek => true;

    public override bool CanWrite => false;

    public override long Seek(long offset, SeekOrigin origin) =>
        origin == SeekOrigin.Current && offset == 0 ? Consumed : throw new NotSupportedException();

    public override void Flush() { }

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
