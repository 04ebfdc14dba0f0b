using System.Text;
using Org.BouncyCastle.Crypto.Digests;
using Org.BouncyCastle.Crypto.Kems;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Security;

namespace Archiver.Encryption;

/// <summary>
/// The hybrid KEM MLKEM768-X25519 (X-Wing) of draft-ietf-hpke-pq, as age 1.3's post-quantum
/// recipients use it: ML-KEM-768 (FIPS 203) and X25519 from BouncyCastle, their two shared
/// secrets combined with SHA3-256. The private key is a 32-byte seed, expanded with SHAKE256
/// into the ML-KEM seed (d || z) and the X25519 scalar.
/// </summary>
internal sealed class MlKem768X25519
{
    public const ushort KemId = 0x647a;
    public const int SeedSize = 32;
    public const int PublicKeySize = MlKemPublicKeySize + 32;
    public const int EncapsulationSize = MlKemCiphertextSize + 32;
    private const int MlKemPublicKeySize = 1184;
    private const int MlKemCiphertextSize = 1088;
    private const int MlKemQ = 3329;
    // The X-Wing combiner's label, the six ASCII characters \./ /^\ written together.
    private static readonly byte[] Label = Encoding.ASCII.GetBytes("\\.//^\\");
    private static readonly MLKemParameters MlKem = MLKemParameters.ml_kem_768;

    private readonly MLKemPrivateKeyParameters _mlkem;
    private readonly X25519PrivateKeyParameters _x25519;

    private MlKem768X25519(byte[] seed)
    {
        var expanded = new byte[64 + 32];
        var shake = new ShakeDigest(256);
        shake.BlockUpdate(seed, 0, seed.Length);
        shake.OutputFinal(expanded, 0, expanded.Length);
        _mlkem = MLKemPrivateKeyParameters.FromSeed(MlKem, expanded[..64]);
        _x25519 = new X25519PrivateKeyParameters(expanded, 64);
        PublicKey = [.. _mlkem.GetPublicKeyEncoded(), .. _x25519.GeneratePublicKey().GetEncoded()];
    }

    /// <summary>The ML-KEM encapsulation key followed by the X25519 public key.</summary>
    public byte[] PublicKey { get; }

    public static MlKem768X25519 FromSeed(byte[] seed) =>
        seed.Length == SeedSize ? new(seed) : throw new ArgumentException($"an MLKEM768-X25519 seed is {SeedSize} bytes", nameof(seed));

    /// <summary>True when <paramref name="publicKey"/> has the right length and its ML-KEM part passes
    /// FIPS 203's encapsulation key check (every 12-bit coefficient below q).</summary>
    public static bool IsValidPublicKey(ReadOnlySpan<byte> publicKey)
    {
        if (publicKey.Length != PublicKeySize) return false;
        // The first 1152 bytes are 768 coefficients, two per three bytes; the last 32 of ML-KEM's part are the seed rho.
        for (var i = 0; i < 1152; i += 3)
        {
            var low = publicKey[i] | (publicKey[i + 1] & 0x0F) << 8;
            var high = publicKey[i + 1] >> 4 | publicKey[i + 2] << 4;
            if (low >= MlKemQ || high >= MlKemQ) return false;
        }
        return true;
    }

    /// <summary>A fresh shared secret for <paramref name="publicKey"/> and its encapsulation
    /// (ML-KEM ciphertext followed by the ephemeral X25519 public key).</summary>
    public static (byte[] SharedSecret, byte[] Encapsulation) Encapsulate(byte[] publicKey)
    {
        var random = new SecureRandom();
        var encapsulator = new MLKemEncapsulator(MlKem);
        encapsulator.Init(new ParametersWithRandom(MLKemPublicKeyParameters.FromEncoding(MlKem, publicKey[..MlKemPublicKeySize]), random));
        var ctPq = new byte[MlKemCiphertextSize];
        var ssPq = new byte[32];
        encapsulator.Encapsulate(ctPq, ssPq);
        var pkT = publicKey[MlKemPublicKeySize..];
        var ephemeral = new X25519PrivateKeyParameters(random);
        var ctT = ephemeral.GeneratePublicKey().GetEncoded();
        var ssT = X25519Recipient.SharedSecret(ephemeral, pkT)
            ?? throw new System.Security.Cryptography.CryptographicException("X25519 produced an all-zero shared secret for this recipient; it is not a valid public key");
        return (Combine(ssPq, ssT, ctT, pkT), [.. ctPq, .. ctT]);
    }

    /// <summary>The shared secret of <paramref name="encapsulation"/>; null when its X25519 part
    /// gives the all-zero secret. A wrong ML-KEM ciphertext gives a wrong secret (implicit
    /// rejection), found out only when the AEAD fails.</summary>
    public byte[]? Decapsulate(byte[] encapsulation)
    {
        if (encapsulation.Length != EncapsulationSize) throw new ArgumentException($"an MLKEM768-X25519 encapsulation is {EncapsulationSize} bytes", nameof(encapsulation));
        var decapsulator = new MLKemDecapsulator(MlKem);
        decapsulator.Init(_mlkem);
        var ssPq = new byte[32];
        decapsulator.Decapsulate(encapsulation.AsSpan(0, MlKemCiphertextSize), ssPq);
        var ctT = encapsulation[MlKemCiphertextSize..];
        var ssT = X25519Recipient.SharedSecret(_x25519, ctT);
        return ssT is null ? null : Combine(ssPq, ssT, ctT, PublicKey[MlKemPublicKeySize..]);
    }

    private static byte[] Combine(byte[] ssPq, byte[] ssT, byte[] ctT, byte[] pkT)
    {
        var sha3 = new Sha3Digest(256);
        foreach (var part in new[] { ssPq, ssT, ctT, pkT, Label }) sha3.BlockUpdate(part, 0, part.Length);
        var result = new byte[32];
        sha3.DoFinal(result, 0);
        return result;
    }
}
