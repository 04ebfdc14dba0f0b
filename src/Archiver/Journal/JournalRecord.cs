namespace Archiver.Journal;

/// <summary>One directory's progress, as stored in the journal.</summary>
public sealed record JournalRecord
{
    public string Dir { get; init; } = "";
    public string Key { get; init; } = "";
    public JournalState State { get; init; }
    public string? UploadId { get; init; }
    /// <summary>An upload of <see cref="Key"/> was requested while in this state: the store may hold
    /// one that <see cref="UploadId"/> does not name (the process died before recording it, or a
    /// retried create made two). Resuming aborts every pending upload of exactly this key.</summary>
    public bool UploadRequested { get; init; }
    public long ArchiveSize { get; init; }
    public string? ArchiveSha256 { get; init; }
    /// <summary>XxHash128 of the archive as written, taken in the same pass as <see cref="ArchiveSha256"/>:
    /// <c>verify: full</c> compares the bytes read back with it instead of running SHA-256 over them
    /// again. Null for a copy adopted from its manifest (re-hashed with SHA-256 instead).</summary>
    public string? ArchiveXxh128 { get; init; }
    public long BytesIn { get; init; }
    /// <summary>The tree's fingerprint as archived; a delete needs the tree to still match it.</summary>
    public string? Fingerprint { get; init; }
    /// <summary>The stored copy at <see cref="Key"/> failed verification: never adopt it, upload again.</summary>
    public bool Rejected { get; init; }
    public ulong Device { get; init; }
    public ulong Inode { get; init; }
    /// <summary>When this run's verify proved the stored archive. Recorded with the state that
    /// follows the verify (Kept or Deleting), which <see cref="JournalTransitions"/> allows from
    /// Uploaded only with it; null before. A record left in Uploaded is verified again.</summary>
    public DateTimeOffset? VerifiedAt { get; init; }
    public DateTimeOffset StartedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }
}
