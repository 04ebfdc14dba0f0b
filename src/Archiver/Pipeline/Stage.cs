namespace Archiver.Pipeline;

/// <summary>The steps one directory goes through, in pipeline order. A failed directory names the
/// step it failed in (<see cref="DirectoryOutcome.FailedStage"/>, the <c>stage</c> label of
/// <c>archiver_failures_total</c>).</summary>
public enum Stage { Classify, Lock, Journal, Archive, Verify, Cleanup }

public static class Stages
{
    /// <summary>Every stage in pipeline order (metric series start at zero for each).</summary>
    public static readonly IReadOnlyList<Stage> All = Enum.GetValues<Stage>();

    /// <summary>The stage's name in messages, JSON output and metric labels: <c>archive</c>, <c>cleanup</c>, ...</summary>
    public static string Name(this Stage stage) => stage switch
    {
        Stage.Classify => "classify",
        Stage.Lock => "lock",
        Stage.Journal => "journal",
        Stage.Archive => "archive",
        Stage.Verify => "verify",
        Stage.Cleanup => "cleanup",
        _ => throw new ArgumentOutOfRangeException(nameof(stage), stage, null),
    };
}
