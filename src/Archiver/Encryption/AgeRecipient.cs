namespace Archiver.Encryption;

/// <summary>
/// An age recipient: a public key that files are encrypted to, opened by the matching
/// <see cref="AgeIdentity"/>. Two kinds: X25519 (<c>age1...</c>, from <c>age-keygen</c>) and the
/// post-quantum hybrid ML-KEM-768 + X25519 of age 1.3 (<c>age1pq1...</c>, from
/// <c>age-keygen -pq</c> or <c>archiver keygen --pq</c>).
/// </summary>
public abstract class AgeRecipient
{
    private protected AgeRecipient(string text) => Text = text;

    /// <summary>The Bech32 form, as <c>age-keygen -y</c> prints it.</summary>
    public string Text { get; }

    /// <summary>True for a post-quantum (hybrid ML-KEM) recipient.</summary>
    public abstract bool IsPostQuantum { get; }

    public override string ToString() => Text;

    public static bool TryParse(string text, out AgeRecipient? recipient, out string? error)
    {
        recipient = null;
        var shown = text.Length > 16 ? text[..16] + "..." : text;
        if (text.StartsWith("ssh-", StringComparison.Ordinal))
        {
            error = $"recipient {shown} is an SSH key; Archiver encrypts to age recipients only (age1... from age-keygen, or age1pq1... from archiver keygen --pq)";
            return false;
        }
        if (!Bech32.TryDecode(text, out var hrp, out var key, out var why))
        {
            error = $"recipient '{shown}' is not an age recipient: it {why}; expected age1... as printed by age-keygen -y";
            return false;
        }
        if (text != text.ToLowerInvariant())
        {
            error = $"recipient '{shown}' is in upper case; age recipients are lower case (age1...)";
            return false;
        }
        if (hrp.StartsWith("age1", StringComparison.Ordinal) && hrp != HybridRecipient.Hrp)
        {
            error = $"recipient {shown} is a plugin or hardware-key recipient ({hrp}1...); Archiver encrypts to X25519 (age1...) and post-quantum (age1pq1...) recipients";
            return false;
        }
        recipient = hrp switch
        {
            "age" => X25519Recipient.FromPublicKey(key),
            HybridRecipient.Hrp => HybridRecipient.FromPublicKey(key),
            _ => null,
        };
        error = recipient is not null ? null
            : hrp is "age" or HybridRecipient.Hrp ? $"recipient '{shown}' does not hold a valid {(hrp == "age" ? "X25519" : "ML-KEM-768 + X25519")} public key (wrong length or out-of-range values); copy it again from age-keygen -y"
            : $"recipient '{shown}' is not an age recipient (age1... or age1pq1...)";
        return recipient is not null;
    }

    /// <summary>Why <paramref name="recipients"/> cannot share a file, or null when they can. As in
    /// age, post-quantum recipients are not mixed with X25519 ones: a file encrypted to both is
    /// only as safe against a quantum computer as its X25519 stanza.</summary>
    public static string? MixError(IReadOnlyCollection<AgeRecipient> recipients) =>
        recipients.Any(r => r.IsPostQuantum) && recipients.Any(r => !r.IsPostQuantum)
            ? $"the age recipients mix post-quantum (age1pq1...) and X25519 (age1...) keys; age refuses that, since the file would be only as safe as X25519 against a quantum computer: make every recipient age1pq1... (archiver keygen --pq) or none"
            : null;

    /// <summary>Wraps <paramref name="fileKey"/> for this recipient with fresh randomness.</summary>
    internal abstract AgeStanza Wrap(byte[] fileKey);
}
