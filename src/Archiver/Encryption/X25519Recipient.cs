using System.Security.Cryptography;
using Org.BouncyCastle.Crypto.Agreement;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Security;

namespace Archiver.Encryption;

/// <summary>
/// An age X25519 recipient (<c>age1...</c>, as <c>age-keygen</c> prints it). X25519 comes from
/// BouncyCastle; HKDF and ChaCha20-Poly1305 from .NET.
/// </summary>
internal sealed class X25519Recipient : AgeRecipient
{
    internal const string StanzaType = "X25519";
    internal const string WrapInfo = "age-encryption.org/v1/X25519";

    private X25519Recipient(byte[] publicKey) : base(Bech32.Encode("age", publicKey)) => PublicKey = publicKey;

    public byte[] PublicKey { get; }

    public override bool IsPostQuantum => false;

    /// <summary>The recipient of a 32-byte public key; null for any other length.</summary>
    internal static X25519Recipient? FromPublicKey(byte[] publicKey) => publicKey.Length == 32 ? new(publicKey) : null;

    internal override AgeStanza Wrap(byte[] fileKey)
    {
        var ephemeral = new X25519PrivateKeyParameters(new SecureRandom());
        var share = ephemeral.GeneratePublicKey().GetEncoded();
        var shared = SharedSecret(ephemeral, PublicKey)
            ?? throw new CryptographicException("X25519 produced an all-zero shared secret for this recipient; it is not a valid public key");
        var wrapKey = AgeCrypto.Hkdf(shared, [.. share, .. PublicKey], WrapInfo);
        return new AgeStanza(StanzaType, [AgeBase64.Encode(share)], AgeCrypto.Seal(wrapKey, fileKey));
    }

    /// <summary>X25519(<paramref name="secret"/>, <paramref name="publicKey"/>); null when the result is all zeros.</summary>
    internal static byte[]? SharedSecret(X25519PrivateKeyParameters secret, byte[] publicKey)
    {
        var agreement = new X25519Agreement();
        agreement.Init(secret);
        var shared = new byte[agreement.AgreementSize];
        try
        {
            agreement.CalculateAgreement(new X25519PublicKeyParameters(publicKey), shared, 0);
        }
        catch (InvalidOperationException)
        {
            return null; // BouncyCastle refuses an all-zero result
        }
        return shared.Any(b => b != 0) ? shared : null;
    }
}
