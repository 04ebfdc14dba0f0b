using System.Security.Cryptography;

namespace Archiver.Encryption;

/// <summary>
/// A read-only stream of an age file's plaintext, decrypted one 64 KiB chunk at a time as it is
/// read: every chunk is authenticated before any of its bytes is returned, and the end of the
/// file must be a chunk sealed as final (a truncated file is refused). A full chunk is opened as a
/// middle chunk, else as the final one; bytes after the final chunk fail the read after its
/// plaintext was returned, as age's own reader does. It holds one chunk.
/// <see cref="OpenAt"/> starts at a later chunk, for a range read of the stored object, and may end
/// before the file does (the range's last chunk is then a full, non-final one).
/// </summary>
public sealed class AgeDecryptingStream : Stream
{
    private const int SealedChunk = AgeCrypto.ChunkSize + AgeCrypto.TagSize;
    private readonly Stream _inner;
    private readonly bool _leaveOpen;
    private readonly bool _endsBeforeFile;
    private readonly ChaCha20Poly1305 _aead;
    private readonly byte[] _cipher = new byte[SealedChunk];
    private readonly byte[] _plain = new byte[AgeCrypto.ChunkSize];
    private readonly byte[] _nonce = new byte[12];
    private int _plainStart;
    private int _plainEnd;
    private long _counter;
    private bool _done;
    private string? _trailing;

    private AgeDecryptingStream(Stream inner, byte[] payloadKey, long firstChunk, bool endsBeforeFile, bool leaveOpen)
    {
        _inner = inner;
        _leaveOpen = leaveOpen;
        _endsBeforeFile = endsBeforeFile;
        _aead = new ChaCha20Poly1305(payloadKey);
        _counter = firstChunk;
    }

    /// <summary>Reads the header and payload nonce from <paramref name="inner"/> and decrypts what follows.
    /// Throws <see cref="AgeIdentityMismatchException"/> when no identity opens the file and
    /// <see cref="InvalidDataException"/> carrying an <see cref="AgeFault"/> (<see cref="AgeFaults"/>)
    /// when it is not an intact age file or uses a feature Archiver does not implement; reading
    /// throws it too, with <see cref="AgeFault.Payload"/>, at the first chunk that does not
    /// authenticate.</summary>
    public static AgeDecryptingStream Open(Stream inner, IReadOnlyList<AgeIdentity> identities, bool leaveOpen = false)
    {
        var (payloadKey, _) = ReadPayloadKey(inner, identities);
        return new AgeDecryptingStream(inner, payloadKey, 0, endsBeforeFile: false, leaveOpen);
    }

    /// <summary>The payload key and the offset of chunk 0 in the file (header plus nonce), read
    /// from the start of the file. With them, <see cref="OpenAt"/> decrypts from any chunk.</summary>
    public static (byte[] PayloadKey, long PayloadOffset) ReadPayloadKey(Stream inner, IReadOnlyList<AgeIdentity> identities)
    {
        var counting = new CountingReader(inner);
        var fileKey = AgeHeader.ReadFileKey(counting, identities);
        var nonce = new byte[AgeCrypto.NonceSize];
        if (counting.ReadAtLeast(nonce, nonce.Length, throwOnEndOfStream: false) < nonce.Length)
            throw AgeFaults.Create(AgeFault.Header, "age file ends before its 16-byte payload nonce (it is truncated after the header)");
        return (AgeCrypto.PayloadKey(fileKey, nonce), counting.Count);
    }

    /// <summary>The chunk holding plaintext byte <paramref name="plaintextOffset"/> and where it starts
    /// in the file: read the object from <c>CipherOffset</c>, pass <c>Chunk</c> to <see cref="OpenAt"/>,
    /// and skip <c>plaintextOffset - PlainOffset</c> bytes.</summary>
    public static (long Chunk, long CipherOffset, long PlainOffset) Locate(long payloadOffset, long plaintextOffset)
    {
        var chunk = plaintextOffset / AgeCrypto.ChunkSize;
        return (chunk, payloadOffset + chunk * SealedChunk, chunk * AgeCrypto.ChunkSize);
    }

    /// <summary>Decrypts from chunk <paramref name="chunk"/>; <paramref name="inner"/> starts at that chunk.
    /// With <paramref name="endsBeforeFile"/>, <paramref name="inner"/> is a range that stops at the end
    /// of a chunk before the file's final one: its last chunk is authenticated as a full, non-final
    /// chunk and the stream ends after it.</summary>
    public static AgeDecryptingStream OpenAt(Stream inner, byte[] payloadKey, long chunk, bool endsBeforeFile = false, bool leaveOpen = false) =>
        new(inner, payloadKey, chunk, endsBeforeFile, leaveOpen);

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (buffer.Length == 0) return 0;
        while (_plainStart == _plainEnd)
        {
            if (_done) return _trailing is null ? 0 : throw AgeFaults.Create(AgeFault.Payload, _trailing);
            NextChunk();
        }
        var n = Math.Min(buffer.Length, _plainEnd - _plainStart);
        _plain.AsSpan(_plainStart, n).CopyTo(buffer);
        _plainStart += n;
        return n;
    }

    private void NextChunk()
    {
        var length = 0;
        int n;
        while (length < SealedChunk && (n = _inner.Read(_cipher, length, SealedChunk - length)) > 0) length += n;
        if (_endsBeforeFile)
        {
            if (length == 0)
            {
                _done = true;
                return;
            }
            if (length != SealedChunk)
                throw AgeFaults.Create(AgeFault.Payload, $"age payload range is truncated at chunk {_counter}: {length} of its {SealedChunk} bytes arrived");
            if (!TryOpen(length, last: false)) throw ChunkFailed(false);
            return;
        }
        if (length < AgeCrypto.TagSize)
            throw AgeFaults.Create(AgeFault.Payload, $"age payload is truncated at chunk {_counter}: the file ends without its final chunk");
        var full = length == SealedChunk;
        if (!full && length == AgeCrypto.TagSize && _counter > 0)
            throw AgeFaults.Create(AgeFault.Payload, $"age payload ends with an empty chunk {_counter}, which age never writes; the file was changed");
        if (full && TryOpen(length, last: false)) return;
        if (!TryOpen(length, last: true)) throw ChunkFailed(!full);
        _done = true;
        if (_inner.ReadByte() >= 0) _trailing = $"age payload has data after its final chunk {_counter - 1}; the file was changed";
    }

    private bool TryOpen(int sealedLength, bool last)
    {
        var length = sealedLength - AgeCrypto.TagSize;
        AgeCrypto.ChunkNonce(_nonce, _counter, last);
        try
        {
            _aead.Decrypt(_nonce, _cipher.AsSpan(0, length), _cipher.AsSpan(length, AgeCrypto.TagSize), _plain.AsSpan(0, length));
        }
        catch (AuthenticationTagMismatchException)
        {
            return false;
        }
        _plainStart = 0;
        _plainEnd = length;
        _counter++;
        return true;
    }

    private InvalidDataException ChunkFailed(bool shortChunk) => AgeFaults.Create(AgeFault.Payload, shortChunk
        ? $"age payload chunk {_counter} failed authentication: the file was changed or truncated"
        : $"age payload chunk {_counter} failed authentication: the file was changed");

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _aead.Dispose();
            if (!_leaveOpen) _inner.Dispose();
        }
        base.Dispose(disposing);
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    /// <summary>Counts header bytes read, and reads them one at a time so no payload byte is consumed.</summary>
    private sealed class CountingReader(Stream inner) : Stream
    {
        public long Count { get; private set; }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = inner.Read(buffer, offset, count);
            Count += n;
            return n;
        }

        public override int ReadByte()
        {
            var b = inner.ReadByte();
            if (b >= 0) Count++;
            return b;
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => Count; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
