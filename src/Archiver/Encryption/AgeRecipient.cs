using System.Security.Cryptography;
using Org.BouncyCastle.Crypto.Agreement;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Security;

namespace Archiver.Encryption;

/// <summary>
/// An age X25519 recipient (<c>age1...</c>, as <c>age-keygen</c> prints it): files encrypted to it
/// are opened by the matching identity. X25519 comes from BouncyCastle; HKDF and
/// ChaCha20-Poly1305 from .NET.
/// </summary>
public sealed class AgeRecipient
{
    internal const string StanzaType = "X25519";
    internal const string WrapInfo = "age-encryption.org/v1/X25519";

    private AgeRecipient(byte[] publicKey, string text)
    {
        PublicKey = publicKey;
        Text = text;
    }

    public byte[] PublicKey { get; }

    /// <summary>The <c>age1...</c> form.</summary>
    public string Text { get; }

    public override string ToString() => Text;

    internal static AgeRecipient FromPublicKey(byte[] publicKey) => new(publicKey, Bech32.Encode("age", publicKey));

    public static bool TryParse(string text, out AgeRecipient? recipient, out string? error)
    {
        recipient = null;
        var shown = text.Length > 16 ? text[..16] + "..." : text;
        if (text.StartsWith("age1pq1", StringComparison.Ordinal) || text.StartsWith("age1tag", StringComparison.Ordinal))
        {
            error = $"recipient {shown} is a post-quantum or hardware-key recipient; Archiver encrypts to X25519 recipients (age1... from age-keygen)";
            return false;
        }
        if (text.StartsWith("ssh-", StringComparison.Ordinal))
        {
            error = $"recipient {shown} is an SSH key; Archiver encrypts to age X25519 recipients only (age1... from age-keygen)";
            return false;
        }
        if (!Bech32.TryDecode(text, out var hrp, out var key, out var why))
        {
            error = $"recipient '{shown}' is not an age recipient: it {why}; expected age1... as printed by age-keygen -y";
            return false;
        }
        if (hrp != "age" || key.Length != 32 || text != text.ToLowerInvariant())
        {
            error = $"recipient '{shown}' is not an age X25519 recipient (age1... with a 32-byte key)";
            return false;
        }
        recipient = new AgeRecipient(key, text);
        error = null;
        return true;
    }

    /// <summary>Wraps <paramref name="fileKey"/> for this recipient with a fresh ephemeral key.</summary>
    internal AgeStanza Wrap(byte[] fileKey)
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
