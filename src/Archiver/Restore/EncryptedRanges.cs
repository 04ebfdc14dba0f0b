using Archiver.Archives;
using Archiver.Encryption;
using Archiver.Stores;

namespace Archiver.Restore;

/// <summary>
/// Range reads of the compressed stream inside an age-encrypted archive. The age payload is the
/// compressed stream cut into 64 KiB chunks, each sealed with a 16-byte tag, after the header and a
/// 16-byte nonce; every chunk authenticates on its own. So compressed bytes <c>[start, end)</c> are read
/// by fetching only the chunks that hold them, decrypting from the first (each chunk is checked before
/// any of its bytes is used) and dropping what comes before <c>start</c>. The header is fetched once,
/// with a range read of exactly its size (<see cref="ManifestArchive.PayloadOffset"/>), to unwrap the
/// payload key.
/// </summary>
public sealed class EncryptedRanges
{
    private const int SealedChunk = AgeCrypto.ChunkSize + AgeCrypto.TagSize;
    private readonly IArchiveStore _store;
    private readonly string _key;
    private readonly byte[] _payloadKey;
    private readonly long _payloadOffset;
    private readonly long _size;

    private EncryptedRanges(IArchiveStore store, string key, byte[] payloadKey, long payloadOffset, long size)
    {
        _store = store;
        _key = key;
        _payloadKey = payloadKey;
        _payloadOffset = payloadOffset;
        _size = size;
    }

    /// <summary>Bytes fetched to read the header.</summary>
    public long HeaderBytes => _payloadOffset;

    /// <summary>Reads the header of <paramref name="key"/> (<paramref name="payloadOffset"/> bytes, from
    /// its manifest) and unwraps the payload key with <paramref name="identities"/>. Throws
    /// <see cref="AgeIdentityMismatchException"/> when none of them opens it.</summary>
    public static async Task<EncryptedRanges> OpenAsync(IArchiveStore store, string key, long payloadOffset, long size, IReadOnlyList<AgeIdentity> identities,
        CancellationToken cancellationToken)
    {
        await using var header = await store.OpenRangeAsync(key, 0, payloadOffset, cancellationToken);
        using var buffered = new BufferedStream(header, (int)Math.Min(payloadOffset, 1 << 16));
        var (payloadKey, read) = await Task.Run(() => AgeDecryptingStream.ReadPayloadKey(buffered, identities), cancellationToken);
        if (read != payloadOffset)
            throw new InvalidDataException($"{key}: its age header is {read} bytes but the manifest says {payloadOffset}; the archive or its manifest is damaged");
        return new EncryptedRanges(store, key, payloadKey, payloadOffset, size);
    }

    /// <summary>The stored bytes <c>[Start, End)</c> that hold compressed bytes <c>[start, end)</c>:
    /// whole sealed chunks, the last one possibly the file's shorter final chunk.</summary>
    public (long Start, long End) Stored(long start, long end)
    {
        var first = start / AgeCrypto.ChunkSize;
        var last = (end - 1) / AgeCrypto.ChunkSize;
        return (_payloadOffset + first * SealedChunk, Math.Min(_size, _payloadOffset + (last + 1) * SealedChunk));
    }

    /// <summary>Compressed bytes <c>[start, end)</c>, decrypted from the chunks that hold them.</summary>
    public async Task<Stream> OpenAsync(long start, long end, CancellationToken cancellationToken)
    {
        var (storedStart, storedEnd) = Stored(start, end);
        var (chunk, _, plainOffset) = AgeDecryptingStream.Locate(_payloadOffset, start);
        var range = await _store.OpenRangeAsync(_key, storedStart, storedEnd - storedStart, cancellationToken);
        var plain = AgeDecryptingStream.OpenAt(range, _payloadKey, chunk, endsBeforeFile: storedEnd < _size);
        try
        {
            await BoundedReadStream.SkipAsync(plain, start - plainOffset, _key, cancellationToken);
        }
        catch
        {
            await plain.DisposeAsync();
            throw;
        }
        return new BoundedReadStream(plain, end - start, _key);
    }
}
