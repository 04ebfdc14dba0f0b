using k8s;
using k8s.Models;
using Serilog;

using Archiver.Liveness;

namespace Archiver.Kubernetes;

/// <summary>
/// Collects the Leases nobody finished: released or expired, with our labels, and untouched for
/// <see cref="Age"/> (an archiver that crashed, or could not delete its lease). At most once per
/// <see cref="Interval"/> per <see cref="KubernetesSession"/> (process), policy and namespace; one list from the API server's cache
/// (<c>resourceVersion=0</c>) and a delete per leftover, each only at the version that was listed
/// (a precondition: a lease taken since answers 409 and stays). Best effort: a failure is logged and
/// never stops a directory.
/// </summary>
internal sealed class LeaseCollector(KubernetesApi api, LeaseDirectoryLock owner, string policy, KubernetesSession session, TimeProvider clock)
{
    public static readonly TimeSpan Age = TimeSpan.FromDays(1);
    public static readonly TimeSpan Interval = TimeSpan.FromHours(1);
    private static readonly ILogger Log = Serilog.Log.ForContext<LeaseCollector>();

    public string Selector => $"{LeaseDirectoryLock.ManagedByLabel}=archiver,{LeaseDirectoryLock.PolicyLabel}={policy}";

    public async Task CollectIfDueAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        if (!session.ClaimLeaseCollection($"{api.Server}|{owner.Namespace}|{policy}", now, Interval)) return;
        try
        {
            var deleted = 0;
            string? next = null;
            do
            {
                var token = next;
                var list = await api.CallAsync($"list leases in {owner.Namespace}", $"leases list (in namespace {owner.Namespace})",
                    ct => api.Client.CoordinationV1.ListNamespacedLeaseAsync(owner.Namespace, continueParameter: token, labelSelector: Selector,
                        resourceVersion: token is null ? "0" : null, cancellationToken: ct), cancellationToken);
                foreach (var lease in list.Items ?? [])
                {
                    if (IsLeftover(lease.Spec ?? new V1LeaseSpec(), lease.Metadata?.CreationTimestamp, now) && await TryDeleteAsync(lease))
                        deleted++;
                }
                next = list.Metadata?.ContinueProperty;
            }
            while (!string.IsNullOrEmpty(next));
            if (deleted > 0) Log.Information("Collected {Count} leftover leases in {Namespace} (released or expired, untouched for {Age})", deleted, owner.Namespace, Age);
        }
        catch (KubernetesApiException e)
        {
            Log.Warning("Could not collect leftover leases in {Namespace}: {Message}; they stay until a later sweep collects them", owner.Namespace, e.Message);
        }
    }

    /// <summary>Free (no holder) or expired, and untouched for <see cref="Age"/>.</summary>
    public static bool IsLeftover(V1LeaseSpec spec, DateTime? created, DateTimeOffset now)
    {
        var free = string.IsNullOrEmpty(spec.HolderIdentity) || LeaseDirectoryLock.ExpiresAt(spec) <= now;
        var touched = spec.RenewTime ?? spec.AcquireTime ?? created;
        return free && touched is { } t && now - new DateTimeOffset(DateTime.SpecifyKind(t, DateTimeKind.Utc)) >= Age;
    }

    private async Task<bool> TryDeleteAsync(V1Lease lease)
    {
        try
        {
            return await owner.DeleteAsync(lease, CancellationToken.None);
        }
        catch (KubernetesApiException e) when (e.Status == 409)
        {
            Log.Debug("Leftover lease {Lease} changed since it was listed; left alone ({Message})", lease.Metadata?.Name, e.Message);
            return false;
        }
    }
}
