namespace Archiver.Pipeline;

/// <summary>What happened to one directory in a sweep: the plan's decision and, for archived
/// ones, the result of each stage. <see cref="Error"/> is set when the directory failed.</summary>
public sealed record DirectoryOutcome
{
    public required string Dir { get; init; }
    public string? Pod { get; init; }
    public required Decision Decision { get; init; }
    public required string Reason { get; init; }
    public required ReasonClass ReasonClass { get; init; }
    public string? Key { get; init; }
    public long BytesIn { get; init; }
    public long BytesOut { get; init; }
    public string? Sha256 { get; init; }
    public bool Deleted { get; init; }
    public string? Error { get; init; }
    /// <summary>The stage that failed.</summary>
    public Stage? FailedStage { get; init; }
    public TimeSpan Elapsed { get; init; }
    /// <summary>A copy that failed verification could not be removed: Object Lock keeps it.</summary>
    public bool BadCopyKeptByLock { get; init; }

    public bool Failed => Error is not null;
}
