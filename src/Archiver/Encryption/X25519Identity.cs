using Org.BouncyCastle.Crypto.Parameters;

namespace Archiver.Encryption;

/// <summary>An age X25519 identity (<c>AGE-SECRET-KEY-1...</c>, the private key <c>age-keygen</c> writes).</summary>
internal sealed class X25519Identity : AgeIdentity
{
    internal const string Hrp = "age-secret-key-";
    private readonly X25519PrivateKeyParameters _secret;
    private readonly X25519Recipient _recipient;

    internal X25519Identity(byte[] secret)
    {
        _secret = new X25519PrivateKeyParameters(secret);
        _recipient = X25519Recipient.FromPublicKey(_secret.GeneratePublicKey().GetEncoded())!;
    }

    public override AgeRecipient Recipient => _recipient;

    public override string Text => Bech32.Encode(Hrp, _secret.GetEncoded()).ToUpperInvariant();

    internal override byte[]? Unwrap(AgeStanza stanza)
    {
        if (stanza.Type != X25519Recipient.StanzaType) return null;
        if (stanza.Args.Count != 1 || AgeBase64.Decode(stanza.Args[0]) is not { Length: 32 } share)
            throw AgeFaults.Header("age header: an X25519 stanza must have one argument, a 32-byte ephemeral share");
        if (stanza.Body.Length != AgeCrypto.FileKeySize + AgeCrypto.TagSize)
            throw AgeFaults.Header("age header: an X25519 stanza's body must be 32 bytes");
        var shared = X25519Recipient.SharedSecret(_secret, share)
            ?? throw AgeFaults.Header("age header: an X25519 stanza has an invalid ephemeral share");
        var wrapKey = AgeCrypto.Hkdf(shared, [.. share, .. _recipient.PublicKey], X25519Recipient.WrapInfo);
        return AgeCrypto.Open(wrapKey, stanza.Body);
    }
}
