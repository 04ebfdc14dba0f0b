using System.Security.Cryptography;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Security;

namespace Archiver.Encryption;

/// <summary>
/// An age identity: the private key that unwraps the file key from a stanza addressed to its
/// recipient. Two kinds: X25519 (<c>AGE-SECRET-KEY-1...</c>, from <c>age-keygen</c>) and the
/// post-quantum hybrid of age 1.3 (<c>AGE-SECRET-KEY-PQ-1...</c>, from <c>age-keygen -pq</c> or
/// <c>archiver keygen --pq</c>).
/// </summary>
public abstract class AgeIdentity
{
    /// <summary>The public half: files encrypted to it open with this identity.</summary>
    public abstract AgeRecipient Recipient { get; }

    /// <summary>The Bech32 form (<c>AGE-SECRET-KEY-...</c>), as a key file holds it.</summary>
    public abstract string Text { get; }

    public static bool TryParse(string text, out AgeIdentity? identity, out string? error)
    {
        identity = null;
        if (!Bech32.TryDecode(text, out var hrp, out var key, out var why))
        {
            error = $"it {why}";
            return false;
        }
        if (text != text.ToUpperInvariant())
        {
            error = "it is in lower case; age identities are upper case (AGE-SECRET-KEY-...)";
            return false;
        }
        identity = hrp switch
        {
            X25519Identity.Hrp when key.Length == 32 => new X25519Identity(key),
            HybridIdentity.Hrp when key.Length == HybridIdentity.SeedSize => new HybridIdentity(key),
            _ => null,
        };
        error = identity is not null ? null
            : hrp is X25519Identity.Hrp or HybridIdentity.Hrp ? "its key has the wrong length"
            : hrp.StartsWith("age-plugin-", StringComparison.Ordinal) || hrp.StartsWith("age-secret-key-", StringComparison.Ordinal)
                ? "it is a plugin or hardware-key identity; Archiver reads X25519 (AGE-SECRET-KEY-1...) and post-quantum (AGE-SECRET-KEY-PQ-1...) identities"
                : "it is not an age identity (AGE-SECRET-KEY-1... from age-keygen, or AGE-SECRET-KEY-PQ-1... from archiver keygen --pq)";
        return identity is not null;
    }

    /// <summary>A new X25519 identity (for tests and tools; operators use age-keygen).</summary>
    public static AgeIdentity Generate() => new X25519Identity(new X25519PrivateKeyParameters(new SecureRandom()).GetEncoded());

    /// <summary>A new post-quantum hybrid identity, as <c>age-keygen -pq</c> makes one.</summary>
    public static AgeIdentity GeneratePostQuantum() => new HybridIdentity(RandomNumberGenerator.GetBytes(HybridIdentity.SeedSize));

    /// <summary>The file key from <paramref name="stanza"/>, or null when the stanza is not for this
    /// identity. Throws an <see cref="InvalidDataException"/> (<see cref="AgeFault.Header"/>) for a
    /// malformed stanza of its own type.</summary>
    internal abstract byte[]? Unwrap(AgeStanza stanza);
}
