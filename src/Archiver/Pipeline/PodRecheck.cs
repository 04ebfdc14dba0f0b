using Archiver.Layouts;
using Archiver.Liveness;
using Serilog;

namespace Archiver.Pipeline;

/// <summary>
/// The last look at the pods before their directories are deleted. A directory that is archived and
/// verified asks (<see cref="AwaitAsync"/>) and waits for the next consistent read
/// (<see cref="ILivenessSource.RecheckAsync"/>) that starts after it asked, so no directory is deleted
/// on a look taken before its archive was proven. Reads come in waves: one read answers every
/// directory that asked since the previous one.
/// <para>When the source bounds its reads per sweep (<see cref="ILivenessSource.RecheckReads"/>, the
/// Kubernetes API), the last read is kept for when no archive is left running, and the ones before it
/// are spread over the sweep by bytes: with 2 reads, the first is taken once the directories waiting
/// hold half of the bytes still to be deleted. Otherwise (a file, or nothing to read) a read starts as soon
/// as a directory waits and none is under way, so each directory is deleted right after its verify.</para>
/// <para>Fail closed: when a read fails, every directory it was to answer is protected.</para>
/// <para>Answers are handed out <c>concurrency</c> at a time (<see cref="Clearance"/>): a wave may clear
/// hundreds of directories at once, and their deletes queue for the disk rather than all run together.</para>
/// </summary>
public sealed class PodRecheck
{
    private static readonly ILogger Log = Serilog.Log.ForContext<PodRecheck>();
    private readonly ILivenessSource _liveness;
    private readonly CancellationToken _sweepToken;
    private readonly object _gate = new();
    private int? _readsLeft;
    private int _expected;
    private long _expectedBytes;
    private HashSet<PodRef> _waiting = [];
    private long _waitingBytes;
    private TaskCompletionSource<Answer> _next = NewWave();
    private bool _reading;
    private readonly SemaphoreSlim _deleteSlots;

    /// <summary><paramref name="expected"/>: every directory that may ask in this sweep (the plan's, and
    /// kept copies that are due); each later either asks (<see cref="AwaitAsync"/>) or is
    /// <see cref="Settled"/>, so the last read is taken only when none can ask any more. With
    /// <paramref name="readEachTime"/> reads are never held back (disk pressure: one directory at a time).</summary>
    public PodRecheck(ILivenessSource liveness, IReadOnlyCollection<Deletion> expected, bool readEachTime, int deleteConcurrency, CancellationToken sweepToken)
    {
        _deleteSlots = new SemaphoreSlim(Math.Max(1, deleteConcurrency));
        _liveness = liveness;
        _sweepToken = sweepToken;
        _readsLeft = readEachTime ? null : liveness.RecheckReads;
        _expected = expected.Count;
        _expectedBytes = expected.Sum(d => d.Bytes);
    }

    /// <summary>Waits for a read taken after this call and for a delete slot, and answers from the read:
    /// the live pod that protects <paramref name="deletion"/> (null: none), or why nobody can tell.
    /// Dispose the clearance when the delete is done.</summary>
    public async Task<Clearance> AwaitAsync(Deletion deletion, CancellationToken cancellationToken)
    {
        var look = LookAsync(deletion, cancellationToken); // joins the next wave before this call returns
        await Task.Yield(); // the delete never runs on the caller's thread (an archive's)
        var (alive, unknown) = await look;
        return new Clearance(alive, unknown, await HeldSlot.TakeAsync(_deleteSlots, cancellationToken));
    }

    /// <summary>What a recheck said of one directory; holds one of the sweep's delete slots until disposed.</summary>
    public sealed class Clearance(PodState? alive, string? unknown, HeldSlot slot) : IDisposable
    {
        /// <summary>The live pod that protects the directory, or null.</summary>
        public PodState? Alive => alive;

        /// <summary>Why nobody can tell whether its pod is alive (then it is not deleted), or null.</summary>
        public string? Unknown => unknown;

        public void Dispose() => slot.Dispose();
    }

    private async Task<(PodState? Alive, string? Unknown)> LookAsync(Deletion deletion, CancellationToken cancellationToken)
    {
        Task<Answer> wave;
        lock (_gate)
        {
            Finish(deletion.Bytes);
            if (!deletion.LookAtPod)
            {
                StartIfDue();
                return (null, null);
            }
            var pod = deletion.Pod!;
            _waiting.Add(pod);
            // web-0-1700000000 belongs to pod web-0: the pod itself counts too.
            if (pod.Incarnation != 0) _waiting.Add(pod with { Name = pod.BaseName });
            _waitingBytes += deletion.Bytes;
            wave = _next.Task;
            StartIfDue();
        }
        var (pods, unknown) = await wave.WaitAsync(cancellationToken);
        if (pods is null) return (null, unknown);
        var p = deletion.Pod!;
        var alive = pods.Find(p.Namespace, p.Name).FirstOrDefault(x => !x.IsTerminal)
            ?? (p.Incarnation != 0 ? pods.Find(p.Namespace, p.BaseName).FirstOrDefault(x => !x.IsTerminal) : null);
        return (alive, null);
    }

    /// <summary>A directory of the plan that will not be deleted in this sweep (failed, kept, locked elsewhere).</summary>
    public void Settled(PlannedDirectory item)
    {
        lock (_gate)
        {
            Finish(item.Bytes);
            StartIfDue();
        }
    }

    /// <summary>No more directories will ask (the sweep ended, maybe early): those waiting get their last read.</summary>
    public void NoMoreArchives()
    {
        lock (_gate)
        {
            _expected = 0;
            _expectedBytes = 0;
            StartIfDue();
        }
    }

    private void Finish(long bytes)
    {
        _expected = Math.Max(0, _expected - 1);
        _expectedBytes = Math.Max(0, _expectedBytes - bytes);
    }

    /// <summary>Under the gate: starts a read when directories wait, none is under way and the budget allows.</summary>
    private void StartIfDue()
    {
        if (_reading || _waiting.Count == 0) return;
        var due = _readsLeft switch
        {
            null => true,
            // The last read: only once no directory can ask any more, so none ever waits after it.
            <= 1 => _expected == 0,
            var left => _expected == 0 || _waitingBytes * left >= _waitingBytes + _expectedBytes,
        };
        if (!due) return;
        var pods = _waiting.ToList();
        var wave = _next;
        _waiting = [];
        _waitingBytes = 0;
        _next = NewWave();
        _reading = true;
        if (_readsLeft is not null) _readsLeft--;
        _ = Task.Run(() => ReadAsync(pods, wave));
    }

    private async Task ReadAsync(List<PodRef> pods, TaskCompletionSource<Answer> wave)
    {
        try
        {
            wave.SetResult(new Answer(await _liveness.RecheckAsync(pods, _sweepToken), null));
        }
        catch (Exception e) when (e is LivenessUnknownException or TimeoutException or HttpRequestException or IOException)
        {
            Log.Error("Recheck of {Count} pods before their directories are deleted failed: {Message}; none of them is deleted", pods.Count, e.Message);
            wave.SetResult(new Answer(null, e.Message));
        }
        catch (OperationCanceledException)
        {
            wave.SetCanceled(_sweepToken);
        }
        catch (Exception e)
        {
            wave.SetException(e);
        }
        finally
        {
            lock (_gate)
            {
                _reading = false;
                StartIfDue();
            }
        }
    }

    private static TaskCompletionSource<Answer> NewWave() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private sealed record Answer(LivenessSnapshot? Pods, string? Unknown);
}
