namespace Archiver.Pipeline;

/// <summary>What a sweep did: its plan, and the outcome of each directory it worked on (none when it
/// <see cref="Stopped"/> after the plan). Kept copies it deleted reach the observer as outcomes.</summary>
public sealed record SweepResult(SweepPlan Plan, IReadOnlyList<DirectoryOutcome> Outcomes, bool Stopped);
