using Archiver.Pipeline;

namespace Archiver.Cli;

/// <summary>What <c>sweep</c>, <c>archive</c> and <c>demo</c> share: runs the one sweep sequence
/// (<see cref="Sweep"/>) and prints its plan, progress and outcomes on the terminal.</summary>
public static class SweepPrinter
{
    public static async Task<int> RunAsync(SweepContext ctx, IReadOnlyList<Candidate> candidates, bool force, bool dryRun, bool json, CancellationToken cancellationToken, bool refuseSkips = false)
    {
        var progress = dryRun ? null : ProgressLine.ForStderr(json, ctx.Clock);
        if (progress is not null) ctx = ctx with { BytesArchived = progress.Add };
        var printer = new Printer(new OutcomeRenderer(Terminal.Out, json), json, dryRun, refuseSkips, progress);
        var result = await Sweep.RunAsync(ctx, new SweepRequest(candidates, force, dryRun), printer, cancellationToken);
        progress?.Clear();
        if (result.Stopped)
            return printer.Refused || result.Plan.Items.Any(i => i.IsFailure) ? ExitCodes.SomeFailed : ExitCodes.Ok;
        printer.Renderer.Summary(result.Outcomes);
        return result.Outcomes.Any(o => o.Failed) ? ExitCodes.SomeFailed : ExitCodes.Ok;
    }

    private sealed class Printer(OutcomeRenderer renderer, bool json, bool dryRun, bool refuseSkips, ProgressLine? progress) : ISweepObserver
    {
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
            foreach (var item in plan.ToArchive) progress?.Expect(item.Candidate.Name, item.Bytes);
            return true;
        }

        public void Outcome(DirectoryOutcome outcome)
        {
            progress?.Clear();
            renderer.Outcome(outcome);
            progress?.Finished(outcome.Dir);
        }
    }
}
