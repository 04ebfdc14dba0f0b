using Archiver.Composition;
using Archiver.Journal;
using Archiver.Liveness;
using Archiver.Kubernetes;
using Archiver.Pipeline;
using Archiver.Policies;
using Serilog.Context;
using Serilog;

namespace Archiver.Hosting;

/// <summary>
/// Runs the pipeline for the daemon: the same Discovery → Planner → <see cref="Sweep"/> the CLI runs,
/// under the policy's in-process gate and the cross-process <see cref="SweepLock"/>, then the
/// kept-copy cleanup and (at most every few hours) retention. Every outcome is logged and counted.
/// </summary>
public sealed class PolicyRunner(DaemonOptions options, TimeProvider clock, ArchiverMetrics metrics, Readiness readiness, PolicyGates gates, IDiskUsageProbe disk)
    : IPolicyRunner
{
    private static readonly ILogger Log = Serilog.Log.ForContext<PolicyRunner>();
    private readonly Dictionary<string, DateTimeOffset> _lastRetention = new(StringComparer.Ordinal);
    private readonly KubernetesSession _kubernetes = new();

    public async Task SweepAsync(LoadedPolicy loaded, string trigger, CancellationToken cancellationToken)
    {
        var policy = loaded.Policy;
        using var _ = LogContext.PushProperty("Policy", policy.Name);
        using var __ = LogContext.PushProperty("Node", options.Node.Name);
        var gate = gates.For(policy.Name);
        await gate.WaitAsync(cancellationToken);
        var result = "error";
        try
        {
            if (!Directory.Exists(policy.Root))
            {
                Log.Warning("Policy {Policy}: root {Root} does not exist on this node, so nothing is archived here; mount that path in the DaemonSet (docs/operations.md, section A policy for another root), or remove the policy", policy.Name, policy.Root);
                result = "no-root";
                return;
            }
            RunMarker.Write(policy.StateDirectory, clock.GetUtcNow());
            Log.Information("Sweep of {Policy} started ({Trigger})", policy.Name, trigger);
            var ctx = BuildContext(policy);
            await using var store = ctx.Store;
            var candidates = Discovery.Discover(policy.Root, policy.StateDirectory);
            var sweep = await Sweep.RunAsync(ctx, new SweepRequest(candidates, CleanUpKept: true), Observer(ctx), cancellationToken);
            var (plan, outcomes) = (sweep.Plan, sweep.Outcomes);
            await RetentionIfDueAsync(ctx, cancellationToken);
            // A sweep that wrote and verified without failing proves the store reachable; a failed one
            // may be a local problem, so the periodic readiness check decides then.
            if (outcomes.Any(o => o.Decision == Decision.Archive) && !outcomes.Any(o => o.Failed)) readiness.Store(policy.Name, null);
            result = outcomes.Any(o => o.Failed) || plan.LivenessError is not null ? "failed" : "ok";
            if (result == "ok") metrics.LastSuccessfulSweep.Set(clock.GetUtcNow().ToUnixTimeSeconds(), policy.Name);
            Log.Information("Sweep of {Policy} finished: {Result}, {Archived} archived, {Deleted} deleted, {Failed} failed, {Skipped} skipped",
                policy.Name, result, outcomes.Count(o => o.Decision == Decision.Archive && !o.Failed), outcomes.Count(o => o.Deleted), outcomes.Count(o => o.Failed), outcomes.Count(o => o.Decision == Decision.Skip));
        }
        catch (SweepBusyException e)
        {
            result = "busy";
            Log.Warning("Sweep of {Policy} skipped: {Message}", policy.Name, e.Message);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            result = "cancelled";
            Log.Warning("Sweep of {Policy} cancelled; nothing was deleted half-way, and the next run resumes from the journal", policy.Name);
        }
        catch (Exception e)
        {
            Log.Error(e, "Sweep of {Policy} failed: {Message}", policy.Name, e.Message);
            if (e is Stores.StoreException) readiness.Store(policy.Name, e.Message);
        }
        finally
        {
            gate.Release();
            metrics.SweepsTotal.Add(1, policy.Name, result);
            if (result != "no-root") MeasureDisk(policy);
            // The daemon idles between runs: hand the sweep's buffers back to the node.
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        }
    }

    internal ISweepObserver Observer(SweepContext ctx) => new Counter(this, metrics, readiness, ctx);

    /// <summary>The daemon's view of a sweep: readiness from the plan's liveness, each outcome logged
    /// and counted, the pending gauges kept current.</summary>
    private sealed class Counter(PolicyRunner runner, ArchiverMetrics metrics, Readiness readiness, SweepContext ctx) : ISweepObserver
    {
        private readonly Dictionary<string, long> _pending = new(StringComparer.Ordinal);

        private string Name => ctx.Policy.Name;

        public bool Planned(SweepPlan plan)
        {
            readiness.Liveness(Name, plan.LivenessError);
            lock (_pending)
            {
                foreach (var i in plan.ToArchive) _pending[i.Candidate.Name] = i.Bytes;
                Publish();
            }
            return true;
        }

        public void Outcome(DirectoryOutcome o)
        {
            runner.Count(Name, o);
            if (o.Decision != Decision.Archive || o.Failed) return;
            lock (_pending)
            {
                if (_pending.Remove(o.Dir)) Publish();
            }
        }

        private void Publish()
        {
            metrics.PendingDirectories.Set(_pending.Count, Name);
            metrics.PendingBytes.Set(_pending.Values.Sum(), Name);
        }
    }

    private void Count(string policy, DirectoryOutcome o)
    {
        metrics.Record(policy, o);
        if (o.Decision != Decision.Archive) return;
        if (o.Failed)
            Log.Error("Directory {Directory} ({Pod}) failed at {Stage}: {Error}; key {Key}", o.Dir, o.Pod, o.FailedStage?.Name(), o.Error, o.Key);
        else
            Log.Information("Archived {Directory} ({Pod}) to {Key}: {Reason}; deleted {Deleted}", o.Dir, o.Pod, o.Key, o.Reason, o.Deleted);
    }

    private async Task RetentionIfDueAsync(SweepContext ctx, CancellationToken cancellationToken)
    {
        var policy = ctx.Policy;
        if (policy.RemoteFor is not { } remoteFor) return;
        var now = clock.GetUtcNow();
        lock (_lastRetention)
        {
            if (_lastRetention.TryGetValue(policy.Name, out var last) && now - last < options.RetentionInterval) return;
            _lastRetention[policy.Name] = now;
        }
        var prefix = RetentionPruner.NodePrefix(policy, ctx.NodeName);
        if (prefix is null)
        {
            Log.Warning("Retention of {Policy} skipped: key template {Key} does not start with a {{cluster}}/{{node}} prefix, so pruning could reach other nodes' archives", policy.Name, policy.Key);
            return;
        }
        var journalKeys = ctx.Journal.All().Select(r => r.Key).ToHashSet(StringComparer.Ordinal);
        var (pruned, locked) = await RetentionPruner.PruneAsync(ctx.Store, prefix, now - remoteFor, journalKeys, dryRun: false, cancellationToken);
        metrics.PrunedObjectsTotal.Add(pruned.Count, policy.Name);
        metrics.ObjectsKeptByLockTotal.Add(locked.Count, policy.Name, "prune");
    }

    internal SweepContext BuildContext(Policy policy)
    {
        return SweepBuilder.Build(policy, new LivenessContext(options.Node, options.Kubeconfig), _kubernetes, clock);
    }

    internal DiskUsage? MeasureDisk(Policy policy)
    {
        try
        {
            var usage = disk.Measure(policy.Root);
            metrics.FilesystemUsedBytes.Set(usage.UsedBytes, policy.Name, policy.Root);
            metrics.FilesystemSizeBytes.Set(usage.TotalBytes, policy.Name, policy.Root);
            if (policy.Pressure is { } p)
            {
                metrics.PressureHighRatio.Set(p.High / 100, policy.Name, policy.Root);
                metrics.PressureLowRatio.Set(p.Low / 100, policy.Name, policy.Root);
            }
            return usage;
        }
        catch (IOException e)
        {
            Log.Warning("Cannot measure the file system of {Root}: {Message}", policy.Root, e.Message);
            return null;
        }
    }

    /// <summary>Readiness: one liveness snapshot and one store lookup, each bounded in time.</summary>
    public async Task CheckReadinessAsync(LoadedPolicy loaded, CancellationToken cancellationToken)
    {
        var policy = loaded.Policy;
        if (!Directory.Exists(policy.Root))
        {
            // The pod is healthy; the missing root is the sweep's to report (a Warning and
            // archiver_sweeps_total{result="no-root"}, which the shipped ArchiverPolicyRootMissing alert watches).
            readiness.Liveness(policy.Name, null);
            readiness.Store(policy.Name, null);
            return;
        }
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(15));
        SweepContext ctx;
        try
        {
            ctx = BuildContext(policy);
        }
        catch (ConfigurationException e)
        {
            readiness.Liveness(policy.Name, e.Message);
            readiness.Store(policy.Name, e.Message);
            return;
        }
        await using var store = ctx.Store;
        try
        {
            await ctx.Liveness.SnapshotAsync(timeout.Token);
            readiness.Liveness(policy.Name, null);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            readiness.Liveness(policy.Name, e.Message);
        }
        try
        {
            var probeKey = (RetentionPruner.NodePrefix(policy, options.Node.Name) ?? "") + ".readyz";
            await store.StatAsync(probeKey, timeout.Token);
            readiness.Store(policy.Name, null);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            readiness.Store(policy.Name, e.Message);
        }
    }
}
