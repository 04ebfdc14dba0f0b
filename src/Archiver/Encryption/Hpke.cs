using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Archiver.Encryption;

/// <summary>
/// HPKE (RFC 9180) in base mode, single-shot, with HKDF-SHA256 and ChaCha20-Poly1305, as age's
/// post-quantum stanza uses it: the key schedule turns a KEM shared secret and the info string
/// into the AEAD key and nonce of the first (and only) message. HKDF and the AEAD are .NET's.
/// </summary>
internal static class Hpke
{
    private const ushort KdfHkdfSha256 = 0x0001;
    private const ushort AeadChaCha20Poly1305 = 0x0003;

    /// <summary>Encrypts <paramref name="plaintext"/> as the first message of the context.</summary>
    public static byte[] Seal(ushort kemId, byte[] sharedSecret, string info, ReadOnlySpan<byte> plaintext)
    {
        var (key, nonce) = KeySchedule(kemId, sharedSecret, info);
        return AgeCrypto.Seal(key, nonce, plaintext);
    }

    /// <summary>Decrypts the first message of the context; null when it does not authenticate.</summary>
    public static byte[]? Open(ushort kemId, byte[] sharedSecret, string info, ReadOnlySpan<byte> sealedData)
    {
        var (key, nonce) = KeySchedule(kemId, sharedSecret, info);
        return AgeCrypto.Open(key, nonce, sealedData);
    }

    // RFC 9180 section 5.1, mode_base: no PSK, so psk and psk_id are empty.
    private static (byte[] Key, byte[] Nonce) KeySchedule(ushort kemId, byte[] sharedSecret, string info)
    {
        var suite = new byte[10];
        Encoding.ASCII.GetBytes("HPKE", suite);
        BinaryPrimitives.WriteUInt16BigEndian(suite.AsSpan(4), kemId);
        BinaryPrimitives.WriteUInt16BigEndian(suite.AsSpan(6), KdfHkdfSha256);
        BinaryPrimitives.WriteUInt16BigEndian(suite.AsSpan(8), AeadChaCha20Poly1305);
        var pskIdHash = LabeledExtract(suite, [], "psk_id_hash", []);
        var infoHash = LabeledExtract(suite, [], "info_hash", Encoding.ASCII.GetBytes(info));
        byte[] context = [0x00, .. pskIdHash, .. infoHash];
        var secret = LabeledExtract(suite, sharedSecret, "secret", []);
        return (LabeledExpand(suite, secret, "key", context, 32), LabeledExpand(suite, secret, "base_nonce", context, 12));
    }

    private static byte[] LabeledExtract(byte[] suite, byte[] salt, string label, byte[] ikm) =>
        HKDF.Extract(HashAlgorithmName.SHA256, [.. "HPKE-v1"u8, .. suite, .. Encoding.ASCII.GetBytes(label), .. ikm], salt);

    private static byte[] LabeledExpand(byte[] suite, byte[] prk, string label, byte[] info, int length)
    {
        var output = new byte[length];
        byte[] labeledInfo = [(byte)(length >> 8), (byte)length, .. "HPKE-v1"u8, .. suite, .. Encoding.ASCII.GetBytes(label), .. info];
        HKDF.Expand(HashAlgorithmName.SHA256, prk, output, labeledInfo);
        return output;
    }
}
