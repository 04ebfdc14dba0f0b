using Archiver.Pipeline;
using k8s.Models;
using Serilog;

using Archiver.Liveness;

namespace Archiver.Kubernetes;

/// <summary>
/// A held directory lease: renewed every third of its duration while the directory is worked on
/// (so a slow upload keeps it); when disposed, deleted if the directory's work is over (archived and
/// deleted, or kept), else released (holder cleared) for the next attempt. When it cannot be renewed
/// before it expires, or someone else holds it, <see cref="Lost"/> fires and the work stops.
/// </summary>
internal sealed class LeaseHandle : IDirectoryLockHandle
{
    private static readonly ILogger Log = Serilog.Log.ForContext<LeaseHandle>();
    private readonly LeaseDirectoryLock _owner;
    private readonly TimeProvider _clock;
    private readonly CancellationTokenSource _lost = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _renewal;
    private V1Lease _lease;
    private DateTimeOffset _expires;
    private bool _workIsOver;

    public LeaseHandle(LeaseDirectoryLock owner, V1Lease lease, TimeProvider clock)
    {
        _owner = owner;
        _lease = lease;
        _clock = clock;
        _expires = LeaseDirectoryLock.ExpiresAt(lease.Spec);
        _renewal = RenewLoopAsync(_stop.Token);
    }

    public CancellationToken Lost => _lost.Token;

    public void WorkIsOver() => _workIsOver = true;

    private string Name => _lease.Metadata.Name;

    private async Task RenewLoopAsync(CancellationToken stop)
    {
        var interval = _owner.Duration / 3;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(interval, _clock, stop);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            var now = _clock.GetUtcNow();
            try
            {
                _lease.Spec.RenewTime = now.UtcDateTime;
                // Not cancelled by stop: an interrupted renewal would leave a stale resourceVersion behind.
                _lease = await _owner.ReplaceAsync(_lease, CancellationToken.None);
                _expires = LeaseDirectoryLock.ExpiresAt(_lease.Spec);
                Log.Debug("Renewed lease {Lease}", Name);
            }
            catch (KubernetesApiException e) when (e.Status == 409)
            {
                Log.Error("Lease {Lease} was changed by someone else ({Message}); stopping work on its directory", Name, e.Message);
                _lost.Cancel();
                return;
            }
            catch (KubernetesApiException e)
            {
                if (now >= _expires)
                {
                    Log.Error("Could not renew lease {Lease} before it expired ({Message}); stopping work on its directory", Name, e.Message);
                    _lost.Cancel();
                    return;
                }
                Log.Warning("Could not renew lease {Lease}: {Message}; retrying before it expires", Name, e.Message);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _renewal;
        if (!_lost.IsCancellationRequested)
        {
            try
            {
                try
                {
                    await EndAsync(_lease);
                }
                catch (KubernetesApiException e) when (e.Status == 409)
                {
                    // Our copy is stale (e.g. a renewal's answer was lost): end the current one if it is still ours.
                    Log.Debug("Lease {Lease} changed since we last saw it ({Message})", Name, e.Message);
                    if (await _owner.GetAsync(Name, CancellationToken.None) is { } fresh && fresh.Spec?.HolderIdentity == _owner.Holder)
                        await EndAsync(fresh);
                }
            }
            catch (KubernetesApiException e)
            {
                Log.Warning("Could not release or delete lease {Lease}: {Message}; it expires by itself after {Duration}, and is collected a day later", Name, e.Message, _owner.Duration);
            }
        }
        _stop.Dispose();
        _lost.Dispose();
    }

    /// <summary>Deletes the lease when the work is over, only while it is the version we hold
    /// (a resourceVersion precondition: 409 when someone changed it since); else releases it.</summary>
    private async Task EndAsync(V1Lease lease)
    {
        if (!_workIsOver)
        {
            await ReleaseAsync(lease);
            return;
        }
        await _owner.DeleteAsync(lease, CancellationToken.None);
        Log.Information("Deleted lease {Lease}: the directory's work is over", Name);
    }

    private async Task ReleaseAsync(V1Lease lease)
    {
        lease.Spec.HolderIdentity = null;
        lease.Spec.RenewTime = _clock.GetUtcNow().UtcDateTime;
        await _owner.ReplaceAsync(lease, CancellationToken.None);
        Log.Information("Released lease {Lease}", Name);
    }
}
