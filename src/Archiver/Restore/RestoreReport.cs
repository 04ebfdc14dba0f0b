namespace Archiver.Restore;

/// <summary>What a restore did: how much it wrote, what it skipped, and every way the result
/// differs from the manifest. <see cref="Failure"/> is set when it stopped early.</summary>
public sealed class RestoreReport
{
    public required string Key { get; init; }
    public required string Target { get; init; }
    public long Entries { get; set; }
    public long Files { get; set; }
    public long Bytes { get; set; }
    public string? LastWritten { get; set; }
    public List<string> Skipped { get; } = [];
    /// <summary>Entries restored as GNU tar restores them, with a word on what was odd about them.</summary>
    public List<string> Warnings { get; } = [];
    public ManifestCheck? Check { get; init; }
    public string? ArchiveSha256 { get; set; }
    public long ArchiveSize { get; set; }
    public string? FailedEntry { get; set; }
    public Exception? Failure { get; set; }
    /// <summary>For a restore of chosen paths: what was read from the store to get them.</summary>
    public EntryReadStats? Partial { get; set; }

    public bool Verified => Check is not null && Failure is null && Check.MismatchCount == 0;

    public bool Succeeded => Failure is null && (Check is null || Check.MismatchCount == 0);
}
