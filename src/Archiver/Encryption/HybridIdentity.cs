namespace Archiver.Encryption;

/// <summary>An age post-quantum identity (<c>AGE-SECRET-KEY-PQ-1...</c>): the 32-byte seed of an
/// MLKEM768-X25519 key pair, as <c>age-keygen -pq</c> and <c>archiver keygen --pq</c> write it.</summary>
internal sealed class HybridIdentity : AgeIdentity
{
    internal const string Hrp = "age-secret-key-pq-";
    internal const int SeedSize = MlKem768X25519.SeedSize;
    private readonly byte[] _seed;
    private readonly MlKem768X25519 _key;

    internal HybridIdentity(byte[] seed)
    {
        _seed = seed;
        _key = MlKem768X25519.FromSeed(seed);
        Recipient = HybridRecipient.FromPublicKey(_key.PublicKey)!;
    }

    public override AgeRecipient Recipient { get; }

    public override string Text => Bech32.Encode(Hrp, _seed).ToUpperInvariant();

    internal override byte[]? Unwrap(AgeStanza stanza)
    {
        if (stanza.Type != HybridRecipient.StanzaType) return null;
        if (stanza.Args.Count != 1 || AgeBase64.Decode(stanza.Args[0]) is not { } encapsulation)
            throw AgeFaults.Header("age header: an mlkem768x25519 stanza must have one argument, the base64 encapsulated key");
        if (encapsulation.Length != MlKem768X25519.EncapsulationSize)
            throw AgeFaults.Header($"age header: an mlkem768x25519 stanza's encapsulated key must be {MlKem768X25519.EncapsulationSize} bytes, not {encapsulation.Length}");
        if (stanza.Body.Length != AgeCrypto.FileKeySize + AgeCrypto.TagSize)
            throw AgeFaults.Header("age header: an mlkem768x25519 stanza's body must be 32 bytes");
        var shared = _key.Decapsulate(encapsulation)
            ?? throw AgeFaults.Header("age header: an mlkem768x25519 stanza has an invalid X25519 share (the shared secret is all zeros)");
        return Hpke.Open(MlKem768X25519.KemId, shared, HybridRecipient.Info, stanza.Body);
    }
}
