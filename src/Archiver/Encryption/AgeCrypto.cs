using System.Security.Cryptography;
using System.Text;

namespace Archiver.Encryption;

/// <summary>The age-encryption.org/v1 key derivations and the AEAD, on .NET's own (OpenSSL-backed)
/// HKDF-SHA-256, HMAC-SHA-256 and ChaCha20-Poly1305. Nothing here is a hand-written primitive.</summary>
internal static class AgeCrypto
{
    public const int FileKeySize = 16;
    public const int TagSize = 16;
    public const int NonceSize = 16;
    public const int ChunkSize = 64 * 1024;

    public static byte[] Hkdf(ReadOnlySpan<byte> ikm, ReadOnlySpan<byte> salt, string info)
    {
        var key = new byte[32];
        HKDF.DeriveKey(HashAlgorithmName.SHA256, ikm, key, salt, Encoding.ASCII.GetBytes(info));
        return key;
    }

    public static byte[] HeaderMac(byte[] fileKey, ReadOnlySpan<byte> header) =>
        HMACSHA256.HashData(Hkdf(fileKey, [], "header"), header);

    public static byte[] PayloadKey(byte[] fileKey, ReadOnlySpan<byte> nonce) => Hkdf(fileKey, nonce, "payload");

    /// <summary>ChaCha20-Poly1305 with the all-zero nonce, as stanzas wrap the file key.</summary>
    public static byte[] Seal(byte[] key, ReadOnlySpan<byte> plaintext) => Seal(key, new byte[12], plaintext);

    /// <summary>ChaCha20-Poly1305 of one message, without associated data.</summary>
    public static byte[] Seal(byte[] key, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> plaintext)
    {
        var output = new byte[plaintext.Length + TagSize];
        using var aead = new ChaCha20Poly1305(key);
        aead.Encrypt(nonce, plaintext, output.AsSpan(0, plaintext.Length), output.AsSpan(plaintext.Length));
        return output;
    }

    /// <summary>Opens what <see cref="Seal(byte[], ReadOnlySpan{byte})"/> made; null when it does not authenticate.</summary>
    public static byte[]? Open(byte[] key, ReadOnlySpan<byte> sealedData) => Open(key, new byte[12], sealedData);

    /// <summary>Opens one ChaCha20-Poly1305 message; null when it does not authenticate.</summary>
    public static byte[]? Open(byte[] key, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> sealedData)
    {
        if (sealedData.Length < TagSize) return null;
        var plaintext = new byte[sealedData.Length - TagSize];
        using var aead = new ChaCha20Poly1305(key);
        try
        {
            aead.Decrypt(nonce, sealedData[..plaintext.Length], sealedData[plaintext.Length..], plaintext);
            return plaintext;
        }
        catch (AuthenticationTagMismatchException)
        {
            return null;
        }
    }

    /// <summary>The STREAM nonce of chunk <paramref name="counter"/>: an 11-byte big-endian counter and the last-chunk flag.</summary>
    public static void ChunkNonce(Span<byte> nonce, long counter, bool last)
    {
        nonce.Clear();
        for (var i = 10; i >= 0 && counter > 0; i--, counter >>= 8) nonce[i] = (byte)counter;
        nonce[11] = last ? (byte)1 : (byte)0;
    }
}
