namespace Archiver.Pipeline;

/// <summary>What a sweep did: its plan; the outcome of each directory it worked on (none when it
/// <see cref="Stopped"/> after the plan); the kept copies it deleted.</summary>
public sealed record SweepResult(SweepPlan Plan, IReadOnlyList<DirectoryOutcome> Outcomes, IReadOnlyList<DirectoryOutcome> KeptDeleted, bool Stopped);
