namespace Archiver.Encryption;

/// <summary>
/// An age post-quantum recipient (<c>age1pq1...</c>, age 1.3's "mlkem768x25519" type): the file key
/// is sealed with HPKE over the hybrid KEM MLKEM768-X25519, so the file stays safe if either
/// ML-KEM-768 or X25519 holds.
/// </summary>
internal sealed class HybridRecipient : AgeRecipient
{
    internal const string Hrp = "age1pq";
    internal const string StanzaType = "mlkem768x25519";
    internal const string Info = "age-encryption.org/mlkem768x25519";

    private readonly byte[] _publicKey;

    private HybridRecipient(byte[] publicKey) : base(Bech32.Encode(Hrp, publicKey)) => _publicKey = publicKey;

    public override bool IsPostQuantum => true;

    /// <summary>The recipient of an MLKEM768-X25519 public key; null when it is not a valid one.</summary>
    internal static HybridRecipient? FromPublicKey(byte[] publicKey) => MlKem768X25519.IsValidPublicKey(publicKey) ? new(publicKey) : null;

    internal override AgeStanza Wrap(byte[] fileKey)
    {
        var (shared, encapsulation) = MlKem768X25519.Encapsulate(_publicKey);
        return new AgeStanza(StanzaType, [AgeBase64.Encode(encapsulation)], Hpke.Seal(MlKem768X25519.KemId, shared, Info, fileKey));
    }
}
