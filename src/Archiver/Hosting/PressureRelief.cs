using Archiver.Pipeline;
using Archiver.Policies;
using Serilog;
using Serilog.Context;

namespace Archiver.Hosting;

/// <summary>
/// Disk pressure: when a policy root's file system is above <c>pressure.high</c>, archive eligible
/// (never live) directories oldest first, ignoring <c>idleFor</c> but never younger than
/// <c>pressure.minIdle</c>, one at a time until usage is below <c>pressure.low</c>. Checking costs
/// one statvfs; the pipeline runs only when the disk is in fact full.
/// </summary>
public sealed class PressureRelief(PolicyRunner runner, ArchiverMetrics metrics, PolicyGates gates, string nodeName)
{
    private static readonly ILogger Log = Serilog.Log.ForContext<PressureRelief>();

    /// <summary>Returns the number of directories archived to relieve pressure.</summary>
    public async Task<int> CheckAsync(LoadedPolicy loaded, CancellationToken cancellationToken)
    {
        var policy = loaded.Policy;
        if (policy.Pressure is not { } pressure) return 0;
        if (runner.MeasureDisk(policy) is not { } usage || usage.UsedPercent < pressure.High) return 0;

        using var _ = LogContext.PushProperty("Policy", policy.Name);
        using var __ = LogContext.PushProperty("Node", nodeName);
        var gate = gates.For(policy.Name);
        if (!await gate.WaitAsync(TimeSpan.Zero, cancellationToken))
        {
            Log.Information("Disk pressure on {Root} ({Used:F1}% used); a run of {Policy} is already under way", policy.Root, usage.UsedPercent, policy.Name);
            return 0;
        }
        var archived = 0;
        try
        {
            Log.Warning("Disk pressure on {Root}: {Used:F1}% used, above {High}%; archiving eligible directories idle at least {MinIdle}, oldest first, until below {Low}%",
                policy.Root, usage.UsedPercent, pressure.High, Duration.Format(pressure.MinIdle), pressure.Low);
            metrics.PressureRunsTotal.Add(1, policy.Name);
            var ctx = runner.BuildContext(policy with { IdleFor = pressure.MinIdle });
            await using var store = ctx.Store;
            var request = new SweepRequest(Discovery.Discover(policy.Root, policy.StateDirectory),
                Enough: () => runner.MeasureDisk(policy) is { } now && now.UsedPercent < pressure.Low);
            var sweep = await Sweep.RunAsync(ctx, request, runner.Observer(ctx), cancellationToken);
            archived = sweep.Outcomes.Count(o => o.Deleted);
            var after = runner.MeasureDisk(policy);
            if (after is { } a && a.UsedPercent >= pressure.Low)
                Log.Warning("Disk pressure on {Root} remains: {Used:F1}% used after archiving {Archived} directories; the rest is live, recent (under {MinIdle}) or kept", policy.Root, a.UsedPercent, archived, Duration.Format(pressure.MinIdle));
            else
                Log.Information("Disk pressure on {Root} relieved: {Used:F1}% used after archiving {Archived} directories", policy.Root, after?.UsedPercent, archived);
        }
        catch (SweepBusyException e)
        {
            Log.Warning("Disk pressure run of {Policy} skipped: {Message}", policy.Name, e.Message);
        }
        finally
        {
            gate.Release();
        }
        return archived;
    }
}
