namespace Archiver.Pipeline;

/// <summary>One sweep's inputs beside its context. <see cref="DryRun"/> stops after the plan and takes
/// no lock; <see cref="CleanUpKept"/> also deletes copies kept past <c>keepLocalFor</c> (the daemon).
/// With <see cref="Enough"/> (disk pressure) directories are archived one at a time, oldest first, and
/// the sweep stops as soon as it returns true.</summary>
public sealed record SweepRequest(IReadOnlyList<Candidate> Candidates, bool Force = false, bool DryRun = false, bool CleanUpKept = false, Func<bool>? Enough = null);
