namespace Archiver.Pipeline;

/// <summary>What the caller of a sweep sees of it: the CLI prints, the daemon logs and counts.</summary>
public interface ISweepObserver
{
    /// <summary>The plan, before anything is archived. False stops the sweep here (a refusal).</summary>
    bool Planned(SweepPlan plan);

    /// <summary>One directory's outcome, as soon as it is known (called from several tasks at once).</summary>
    void Outcome(DirectoryOutcome outcome);
}
