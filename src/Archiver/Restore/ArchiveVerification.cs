namespace Archiver.Restore;

/// <summary>What <see cref="ArchiveVerifier"/> found for one archive: its size and SHA-256 as read
/// back (or as the integrity record names them), and <see cref="Problems"/>, empty when it matches.</summary>
public sealed record ArchiveVerification(string Key, bool Ok, long? Size, string? Sha256, IReadOnlyList<string> Problems);
