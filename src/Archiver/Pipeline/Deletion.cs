using Archiver.Layouts;

namespace Archiver.Pipeline;

/// <summary>A directory about to be deleted: archived and verified in this sweep, or kept on disk past
/// <c>keepLocalFor</c>. <see cref="LookAtPod"/>: its delete waits for a <see cref="PodRecheck"/> of
/// <see cref="Pod"/> (not when it was forced, has no pod, or is an older incarnation, whose pod is
/// expected to be alive in its newest directory).</summary>
public sealed record Deletion(Candidate Candidate, PodRef? Pod, bool LookAtPod, long Bytes)
{
    public static Deletion Of(PlannedDirectory item) =>
        new(item.Candidate, item.Pod, item.Pod is not null && item.Class != ReasonClass.Forced && !item.OlderIncarnation, item.Bytes);
}
