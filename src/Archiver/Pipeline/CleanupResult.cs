namespace Archiver.Pipeline;

/// <summary>What <see cref="CleanupStage"/> did with one directory: deleted it, or why not (a failure
/// when nobody could tell whether its pod was alive, or the delete itself failed).</summary>
public sealed record CleanupResult(bool Deleted, string? NotDeleted, bool Failure)
{
    public static readonly CleanupResult Done = new(true, null, false);

    /// <summary>Not deleted, on purpose: the directory changed, vanished or has a live pod again.</summary>
    public static CleanupResult Kept(string why) => new(false, why, false);

    /// <summary>Not deleted because something failed (the directory fails at stage cleanup).</summary>
    public static CleanupResult Failed(string why) => new(false, why, true);

    /// <summary><paramref name="outcome"/> with this result: deleted, or the reason it was not appended.</summary>
    public DirectoryOutcome ApplyTo(DirectoryOutcome outcome) => outcome with
    {
        Deleted = Deleted,
        Reason = NotDeleted is null ? outcome.Reason : $"{outcome.Reason}; {NotDeleted}",
        Error = Failure ? NotDeleted : null,
        FailedStage = Failure ? Stage.Cleanup : null,
    };
}
