using Archiver.Encryption;

namespace Archiver.Policies;

/// <summary>
/// <c>encryption: {age: {recipients: [...], recipientsFile: ..., identityFile: ...}}</c>: archives
/// and manifests are written in the age format to every recipient listed and every one in the
/// recipients file (read at each sweep, so a changed ConfigMap or Secret takes effect at the next
/// run). <see cref="IdentityFile"/> is only read by restore, verify, cat and find (a mounted
/// Secret); the daemon never needs it.
/// </summary>
public sealed record EncryptionSpec(IReadOnlyList<string> Recipients, string? RecipientsFile, string? IdentityFile)
{
    /// <summary>Every recipient; throws <see cref="ConfigurationException"/> naming the file and line
    /// of a bad one, when there is none, or when post-quantum and X25519 recipients are mixed.</summary>
    public IReadOnlyList<AgeRecipient> LoadRecipients()
    {
        var recipients = new List<AgeRecipient>();
        foreach (var text in Recipients)
            recipients.Add(AgeRecipient.TryParse(text, out var r, out var error) ? r! : throw new ConfigurationException(error!));
        if (RecipientsFile is not null) recipients.AddRange(AgeKeyFile.LoadRecipients(RecipientsFile));
        if (recipients.Count == 0) throw new ConfigurationException("encryption.age has no recipients; add recipients: [age1...] (age-keygen -y KEYFILE prints one) or recipientsFile");
        if (AgeRecipient.MixError(recipients) is { } mix)
            throw new ConfigurationException($"encryption.age: {mix}" + (RecipientsFile is null ? "" : $" (recipients and {RecipientsFile} together)"));
        return recipients;
    }
}
