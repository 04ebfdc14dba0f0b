using Archiver.Layouts;

namespace Archiver.Pipeline;

public enum Decision { Archive, Skip }

/// <summary>One line of a plan: a directory, its pod, what will happen and why.</summary>
public sealed record PlannedDirectory(Candidate Candidate, PodRef? Pod, Decision Decision, string Reason, ReasonClass Class)
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
