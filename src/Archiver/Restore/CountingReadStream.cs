namespace Archiver.Restore;

/// <summary>A read-only pass-through that counts what was read (the position in a decompressed
/// range), so the reader can skip forward to the next wanted entry.</summary>
internal sealed class CountingReadStream(Stream inner) : Stream
{
    public long BytesRead { get; private set; }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var n = inner.Read(buffer);
        BytesRead += n;
        return n;
    }

    /// <summary>Reads and drops <paramref name="count"/> bytes; the range ending first is an error.</summary>
    public void Skip(long count)
    {
        var sink = new byte[Math.Min(count, 1 << 16)];
        while (count > 0)
        {
            var n = Read(sink, 0, (int)Math.Min(sink.Length, count));
            if (n == 0) throw new InvalidDataException("the archive range ends before the entry the index points at; the index or the archive is damaged");
            count -= n;
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) inner.Dispose();
        base.Dispose(disposing);
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => BytesRead; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
