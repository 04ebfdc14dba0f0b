using System.Security.Cryptography;
using System.Text;
using k8s;
using Archiver.Pipeline;
using k8s.Models;
using Serilog;

using Archiver.Liveness;

namespace Archiver.Kubernetes;

/// <summary>
/// One coordination.k8s.io/v1 Lease per directory, so that of the archivers that see a shared
/// volume only one handles a directory at a time. A free, released or expired lease is taken with
/// an optimistic update (409 Conflict means someone else won: skip); the holder renews it while it
/// works and releases it after. A crashed holder's lease expires after <c>leaseDuration</c>.
/// Lease names hash the policy and directory name (any directory name gives a valid Kubernetes name).
/// A lease is deleted once its directory's work is over; leftovers are collected (<see cref="LeaseCollector"/>).
/// </summary>
public sealed class LeaseDirectoryLock(KubernetesApi api, string leaseNamespace, string holder, TimeSpan duration, string policy, KubernetesSession session, TimeProvider clock) : IDirectoryLock
{
    public const string DirectoryAnnotation = "archiver.io/directory";
    public const string ManagedByLabel = "app.kubernetes.io/managed-by";
    public const string PolicyLabel = "archiver.io/policy";
    private static readonly ILogger Log = Serilog.Log.ForContext<LeaseDirectoryLock>();
    private LeaseCollector? _collector;

    public string Namespace { get; } = leaseNamespace;

    public string Holder { get; } = holder;

    public TimeSpan Duration { get; } = duration;

    public static string LeaseName(string policy, string directory)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{policy}\n{directory}"));
        return $"archiver-{Convert.ToHexStringLower(hash)[..40]}";
    }

    public async Task<DirectoryLockResult> TryAcquireAsync(string directory, CancellationToken cancellationToken)
    {
        await (_collector ??= new LeaseCollector(api, this, policy, session, clock)).CollectIfDueAsync(cancellationToken);
        var name = LeaseName(policy, directory);
        var now = clock.GetUtcNow();
        var existing = await GetAsync(name, cancellationToken);
        V1Lease taken;
        try
        {
            if (existing is null)
            {
                taken = await api.CallAsync($"create lease {Namespace}/{name}", $"leases create (in namespace {Namespace})",
                    ct => api.Client.CoordinationV1.CreateNamespacedLeaseAsync(NewLease(name, directory, now), Namespace, cancellationToken: ct), cancellationToken);
            }
            else
            {
                var spec = existing.Spec ?? new V1LeaseSpec();
                var expires = ExpiresAt(spec);
                if (!string.IsNullOrEmpty(spec.HolderIdentity) && spec.HolderIdentity != Holder && expires > now)
                    return DirectoryLockResult.Busy($"locked by {spec.HolderIdentity} (lease {Namespace}/{name}) until {expires:yyyy-MM-dd HH:mm:ss}Z");
                if (!string.IsNullOrEmpty(spec.HolderIdentity) && spec.HolderIdentity != Holder)
                    Log.Warning("Lease {Lease} of {Directory} held by {Holder} expired at {Expired}; taking over", name, directory, spec.HolderIdentity, expires);
                existing.Spec = new V1LeaseSpec
                {
                    HolderIdentity = Holder,
                    LeaseDurationSeconds = (int)Duration.TotalSeconds,
                    AcquireTime = now.UtcDateTime,
                    RenewTime = now.UtcDateTime,
                    LeaseTransitions = (spec.LeaseTransitions ?? 0) + (spec.HolderIdentity == Holder ? 0 : 1),
                };
                taken = await ReplaceAsync(existing, cancellationToken);
            }
        }
        catch (KubernetesApiException e) when (e.Status == 409)
        {
            return DirectoryLockResult.Busy($"lease {Namespace}/{name} was taken by another archiver at the same moment");
        }
        Log.Information("Holding lease {Namespace}/{Lease} for {Directory} as {Holder}", Namespace, name, directory, Holder);
        return DirectoryLockResult.Held(new LeaseHandle(this, taken, clock));
    }

    internal async Task<V1Lease?> GetAsync(string name, CancellationToken cancellationToken) =>
        await api.CallAsync($"get lease {Namespace}/{name}", $"leases get (in namespace {Namespace})", async ct =>
        {
            try
            {
                return await api.Client.CoordinationV1.ReadNamespacedLeaseAsync(name, Namespace, cancellationToken: ct);
            }
            catch (k8s.Autorest.HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
            {
                return null;
            }
        }, cancellationToken);

    internal Task<V1Lease> ReplaceAsync(V1Lease lease, CancellationToken cancellationToken) =>
        api.CallAsync($"update lease {Namespace}/{lease.Metadata.Name}", $"leases update (in namespace {Namespace})",
            ct => api.Client.CoordinationV1.ReplaceNamespacedLeaseAsync(lease, lease.Metadata.Name, Namespace, cancellationToken: ct), cancellationToken);

    /// <summary>Deletes <paramref name="lease"/> only at the version given (a resourceVersion precondition:
    /// 409 Conflict when it changed since). False when it is already gone.</summary>
    internal Task<bool> DeleteAsync(V1Lease lease, CancellationToken cancellationToken) =>
        api.CallAsync($"delete lease {Namespace}/{lease.Metadata.Name}", $"leases delete (in namespace {Namespace})", async ct =>
        {
            try
            {
                var options = new V1DeleteOptions { Preconditions = new V1Preconditions { ResourceVersion = lease.Metadata.ResourceVersion } };
                await api.Client.CoordinationV1.DeleteNamespacedLeaseAsync(lease.Metadata.Name, Namespace, options, cancellationToken: ct);
                return true;
            }
            catch (k8s.Autorest.HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
            {
                return false;
            }
        }, cancellationToken);

    internal static DateTimeOffset ExpiresAt(V1LeaseSpec spec)
    {
        var since = spec.RenewTime ?? spec.AcquireTime;
        if (since is null) return DateTimeOffset.MinValue;
        return new DateTimeOffset(DateTime.SpecifyKind(since.Value, DateTimeKind.Utc)) + TimeSpan.FromSeconds(spec.LeaseDurationSeconds ?? 0);
    }

    private V1Lease NewLease(string name, string directory, DateTimeOffset now) => new()
    {
        ApiVersion = "coordination.k8s.io/v1",
        Kind = "Lease",
        Metadata = new V1ObjectMeta
        {
            Name = name,
            NamespaceProperty = Namespace,
            Labels = new Dictionary<string, string> { [ManagedByLabel] = "archiver", [PolicyLabel] = policy },
            Annotations = new Dictionary<string, string> { [DirectoryAnnotation] = directory },
        },
        Spec = new V1LeaseSpec
        {
            HolderIdentity = Holder,
            LeaseDurationSeconds = (int)Duration.TotalSeconds,
            AcquireTime = now.UtcDateTime,
            RenewTime = now.UtcDateTime,
            LeaseTransitions = 0,
        },
    };
}
