using Archiver.Layouts;
using Archiver.Liveness;
using Serilog;

namespace Archiver.Pipeline;

/// <summary>
/// The last look at the pods before their directories are deleted: one consistent read
/// (<see cref="ILivenessSource.RecheckAsync"/>) for every directory of the sweep about to be deleted,
/// taken once, after the last of them was archived and verified, and before the first delete.
/// Directories <see cref="Add"/>ed after it was taken are not covered and are never deleted on it.
/// <para>Fail closed: when the read fails, every directory it was to cover is protected.</para>
/// </summary>
public sealed class PodRecheck(ILivenessSource liveness)
{
    private static readonly ILogger Log = Serilog.Log.ForContext<PodRecheck>();
    private readonly object _gate = new();
    private readonly HashSet<PodRef> _pods = [];
    private Task<(LivenessSnapshot? Pods, string? Unknown)>? _taken;

    /// <summary>Whether deleting <paramref name="item"/> waits for a look at its pod: not when it was
    /// forced, has no pod, or is an older incarnation (its pod is expected to be alive, in its newest directory).</summary>
    public static bool Needs(PlannedDirectory item) => item.Pod is not null && item.Class != ReasonClass.Forced && !item.OlderIncarnation;

    /// <summary>Registers a directory about to be deleted (its pod, and for <c>web-0-1700000000</c> pod <c>web-0</c> too).</summary>
    public void Add(PlannedDirectory item)
    {
        if (!Needs(item)) return;
        lock (_gate)
        {
            if (_taken is not null) return;
            _pods.Add(item.Pod!);
            if (item.Pod!.Incarnation != 0) _pods.Add(item.Pod with { Name = item.Pod.BaseName });
        }
    }

    /// <summary>Takes the read (the first call does; later ones wait for the same answer).</summary>
    public Task TakeAsync(CancellationToken cancellationToken)
    {
        lock (_gate) return _taken ??= ReadAsync(_pods.ToList(), cancellationToken);
    }

    /// <summary>The live pod that protects <paramref name="item"/> (null: none), or why nobody can tell.</summary>
    public async Task<(PodState? Alive, string? Unknown)> CheckAsync(PlannedDirectory item, CancellationToken cancellationToken)
    {
        if (!Needs(item)) return (null, null);
        var pod = item.Pod!;
        bool covered;
        lock (_gate) covered = _taken is not null && _pods.Contains(pod);
        if (!covered) return (null, "the directory was not part of the recheck before deletes");
        await TakeAsync(cancellationToken);
        var (pods, unknown) = await _taken!;
        if (pods is null) return (null, unknown);
        // web-0-1700000000 belongs to pod web-0: the pod itself counts too.
        var alive = pods.Find(pod.Namespace, pod.Name).FirstOrDefault(p => !p.IsTerminal)
            ?? (pod.Incarnation != 0 ? pods.Find(pod.Namespace, pod.BaseName).FirstOrDefault(p => !p.IsTerminal) : null);
        return (alive, null);
    }

    private async Task<(LivenessSnapshot?, string?)> ReadAsync(List<PodRef> pods, CancellationToken cancellationToken)
    {
        try
        {
            return (await liveness.RecheckAsync(pods, cancellationToken), null);
        }
        catch (Exception e) when (e is LivenessUnknownException or TimeoutException or HttpRequestException or IOException)
        {
            Log.Error("Recheck of {Count} pods before their directories are deleted failed: {Message}; none of them is deleted", pods.Count, e.Message);
            return (null, e.Message);
        }
    }
}
