using Org.BouncyCastle.Crypto.Parameters;

namespace Archiver.Encryption;

/// <summary>
/// An age X25519 identity (<c>AGE-SECRET-KEY-1...</c>, the private key <c>age-keygen</c> writes):
/// unwraps the file key from a stanza addressed to its recipient.
/// </summary>
public sealed class AgeIdentity
{
    private readonly X25519PrivateKeyParameters _secret;

    private AgeIdentity(byte[] secret)
    {
        _secret = new X25519PrivateKeyParameters(secret);
        Recipient = AgeRecipient.FromPublicKey(_secret.GeneratePublicKey().GetEncoded());
    }

    /// <summary>The public half: files encrypted to it open with this identity.</summary>
    public AgeRecipient Recipient { get; }

    public static bool TryParse(string text, out AgeIdentity? identity, out string? error)
    {
        identity = null;
        if (!Bech32.TryDecode(text, out var hrp, out var key, out var why))
        {
            error = $"it {why}";
            return false;
        }
        if (hrp != "age-secret-key-" || key.Length != 32 || text != text.ToUpperInvariant())
        {
            error = hrp.StartsWith("age-secret-key-", StringComparison.Ordinal) || hrp.StartsWith("age-plugin-", StringComparison.Ordinal)
                ? "it is a post-quantum, plugin or hardware-key identity; Archiver reads X25519 identities (AGE-SECRET-KEY-1... from age-keygen)"
                : "it is not an X25519 identity (AGE-SECRET-KEY-1... from age-keygen)";
            return false;
        }
        identity = new AgeIdentity(key);
        error = null;
        return true;
    }

    /// <summary>Generates a new identity (for tests and tools; operators use age-keygen).</summary>
    public static AgeIdentity Generate() =>
        new(new X25519PrivateKeyParameters(new Org.BouncyCastle.Security.SecureRandom()).GetEncoded());

    /// <summary>The <c>AGE-SECRET-KEY-1...</c> form.</summary>
    public string Text => Bech32.Encode("age-secret-key-", _secret.GetEncoded()).ToUpperInvariant();

    /// <summary>The file key from <paramref name="stanza"/>, or null when the stanza is not for this
    /// identity. Throws <see cref="InvalidDataException"/> for a malformed X25519 stanza.</summary>
    internal byte[]? Unwrap(AgeStanza stanza)
    {
        if (stanza.Type != AgeRecipient.StanzaType) return null;
        if (stanza.Args.Count != 1 || AgeBase64.Decode(stanza.Args[0]) is not { Length: 32 } share)
            throw new InvalidDataException("age header: an X25519 stanza must have one argument, a 32-byte ephemeral share");
        if (stanza.Body.Length != AgeCrypto.FileKeySize + AgeCrypto.TagSize)
            throw new InvalidDataException("age header: an X25519 stanza's body must be 32 bytes");
        var shared = AgeRecipient.SharedSecret(_secret, share);
        if (shared is null) throw new InvalidDataException("age header: an X25519 stanza has an invalid ephemeral share");
        var wrapKey = AgeCrypto.Hkdf(shared, [.. share, .. Recipient.PublicKey], AgeRecipient.WrapInfo);
        return AgeCrypto.Open(wrapKey, stanza.Body);
    }
}
