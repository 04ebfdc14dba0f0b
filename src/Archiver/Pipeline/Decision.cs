using Archiver.Layouts;

namespace Archiver.Pipeline;

public enum Decision { Archive, Skip }

/// <summary>Why a directory was skipped, in a few stable words (for metrics and filters).</summary>
public static class ReasonClass
{
    public const string Eligible = "eligible";
    public const string Forced = "forced";
    public const string Resume = "resume";
    public const string NotDirectory = "not-directory";
    public const string OtherFileSystem = "other-filesystem";
    public const string Layout = "layout-mismatch";
    public const string Live = "pod-live";
    public const string Recent = "recently-modified";
    public const string LivenessUnknown = "liveness-unknown";
    public const string ScanFailed = "scan-failed";
    public const string Locked = "locked";
}

/// <summary>One line of a plan: a directory, its pod, what will happen and why.</summary>
public sealed record PlannedDirectory(Candidate Candidate, PodRef? Pod, Decision Decision, string Reason, string Class)
{
    /// <summary>Newest mtime in the tree (null when it was not scanned).</summary>
    public DateTimeOffset? NewestChange { get; init; }

    /// <summary>Bytes of regular files in the tree (0 when it was not scanned).</summary>
    public long Bytes { get; init; }

    /// <summary>The pod lives on in a newer incarnation directory; its being alive does not protect this one.</summary>
    public bool OlderIncarnation { get; init; }

    /// <summary>A skip that is a failure (exit code 1): liveness unknown, unreadable tree.</summary>
    public bool IsFailure => Class is ReasonClass.LivenessUnknown or ReasonClass.ScanFailed;
}

/// <summary>The ordered decisions of one sweep. <see cref="LivenessError"/> is set when liveness
/// was unknown: then nothing is archived.</summary>
public sealed record SweepPlan(IReadOnlyList<PlannedDirectory> Items, string? LivenessError)
{
    public IEnumerable<PlannedDirectory> ToArchive => Items.Where(i => i.Decision == Decision.Archive);
}
