using Archiver.Pipeline;

namespace Archiver.Cli;

/// <summary>What <c>sweep</c>, <c>archive</c> and <c>demo</c> share: the one sweep sequence
/// (<see cref="SweepOrchestrator"/>), shown on the terminal.</summary>
public static class SweepExecution
{
    public static async Task<int> RunAsync(SweepContext ctx, IReadOnlyList<Candidate> candidates, bool force, bool dryRun, bool json, CancellationToken cancellationToken, bool refuseSkips = false)
    {
        var printer = new Printer(new OutcomeRenderer(Terminal.Out, json), json, dryRun, refuseSkips);
        var result = await SweepOrchestrator.RunAsync(ctx, new SweepRequest(candidates, force, dryRun), printer, cancellationToken);
        if (result.Stopped)
            return printer.Refused || result.Plan.Items.Any(i => i.IsFailure) ? ExitCodes.SomeFailed : ExitCodes.Ok;
        printer.Renderer.Summary(result.Outcomes);
        return result.Outcomes.Any(o => o.Failed) ? ExitCodes.SomeFailed : ExitCodes.Ok;
    }

    private sealed class Printer(OutcomeRenderer renderer, bool json, bool dryRun, bool refuseSkips) : ISweepObserver
    {
        private Progress? _progress;

        public OutcomeRenderer Renderer => renderer;

        public bool Refused { get; private set; }

        public bool Planned(SweepPlan plan)
        {
            if (refuseSkips && plan.Items.FirstOrDefault(i => i.Decision == Decision.Skip) is { } refused)
            {
                renderer.Plan(plan);
                Terminal.Error.WriteLine($"refused: {refused.Candidate.Name}: {refused.Reason}" +
                    (refused.Class is ReasonClass.Live or ReasonClass.Recent or ReasonClass.Layout or ReasonClass.LivenessUnknown ? "; use --force to archive it anyway" : ""));
                Refused = true;
                return false;
            }
            if (!json || dryRun) renderer.Plan(plan);
            if (!json && !dryRun) Terminal.Out.WriteLine();
            _progress = new Progress(plan.ToArchive.Count(), enabled: !json && Terminal.IsInteractive);
            return true;
        }

        public void Outcome(DirectoryOutcome outcome)
        {
            renderer.Outcome(outcome);
            _progress?.Report(outcome);
        }
    }
}
