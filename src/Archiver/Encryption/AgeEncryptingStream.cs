using System.Security.Cryptography;

namespace Archiver.Encryption;

/// <summary>
/// A write-only stream that writes an age file to its inner stream: the header at once, then the
/// payload in 64 KiB ChaCha20-Poly1305 chunks as they fill. It holds one plaintext chunk and one
/// ciphertext chunk, whatever the size of the file. Disposing writes the final chunk; a stream
/// disposed after an error in its writer is not a valid age file (the last chunk is missing).
/// </summary>
public sealed class AgeEncryptingStream : Stream
{
    private readonly Stream _inner;
    private readonly bool _leaveOpen;
    private readonly ChaCha20Poly1305 _aead;
    private readonly byte[] _plain = new byte[AgeCrypto.ChunkSize];
    private readonly byte[] _cipher = new byte[AgeCrypto.ChunkSize + AgeCrypto.TagSize];
    private readonly byte[] _nonce = new byte[12];
    private int _buffered;
    private long _counter;
    private bool _finished;

    public AgeEncryptingStream(Stream inner, IReadOnlyList<AgeRecipient> recipients, bool leaveOpen = false)
    {
        if (recipients.Count == 0) throw new ArgumentException("age encryption needs at least one recipient", nameof(recipients));
        if (AgeRecipient.MixError([.. recipients]) is { } mix) throw new ArgumentException(mix, nameof(recipients));
        _inner = inner;
        _leaveOpen = leaveOpen;
        var fileKey = RandomNumberGenerator.GetBytes(AgeCrypto.FileKeySize);
        var header = AgeHeader.Write(recipients.Select(r => r.Wrap(fileKey)).ToList(), fileKey);
        inner.Write(header);
        var nonce = RandomNumberGenerator.GetBytes(AgeCrypto.NonceSize);
        inner.Write(nonce);
        PayloadOffset = header.Length + nonce.Length;
        _aead = new ChaCha20Poly1305(AgeCrypto.PayloadKey(fileKey, nonce));
    }

    /// <summary>Bytes of the header and payload nonce: where STREAM chunk 0 starts in the file.</summary>
    public long PayloadOffset { get; }

    /// <summary>Plaintext bytes written so far.</summary>
    public long PlaintextLength { get; private set; }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        ObjectDisposedException.ThrowIf(_finished, this);
        while (buffer.Length > 0)
        {
            // A full chunk is sealed only once more data follows: the last chunk carries the final flag.
            if (_buffered == _plain.Length) SealChunk(last: false);
            var n = Math.Min(buffer.Length, _plain.Length - _buffered);
            buffer[..n].CopyTo(_plain.AsSpan(_buffered));
            _buffered += n;
            PlaintextLength += n;
            buffer = buffer[n..];
        }
    }

    /// <summary>Seals the final chunk. Called by Dispose; call it directly to see its errors.</summary>
    public void Finish()
    {
        if (_finished) return;
        SealChunk(last: true);
        _finished = true;
        _inner.Flush();
    }

    private void SealChunk(bool last)
    {
        AgeCrypto.ChunkNonce(_nonce, _counter++, last);
        _aead.Encrypt(_nonce, _plain.AsSpan(0, _buffered), _cipher.AsSpan(0, _buffered), _cipher.AsSpan(_buffered, AgeCrypto.TagSize));
        _inner.Write(_cipher, 0, _buffered + AgeCrypto.TagSize);
        _buffered = 0;
    }

    public override void Flush() => _inner.Flush();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            try
            {
                Finish();
            }
            finally
            {
                _aead.Dispose();
                if (!_leaveOpen) _inner.Dispose();
            }
        }
        base.Dispose(disposing);
    }

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => !_finished;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => PlaintextLength; set => throw new NotSupportedException(); }
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}
