using Archiver.Layouts;
using Archiver.Policies;
using Serilog;
using k8s.Models;
using k8s;

using Archiver.Liveness;

namespace Archiver.Kubernetes;

/// <summary>
/// Liveness from the Kubernetes API. <c>scope: node</c> lists the pods bound to this node
/// (<c>fieldSelector=spec.nodeName=NODE</c>), <c>scope: cluster</c> lists every pod; either way one
/// list per sweep to plan, from the API server's cache (<c>resourceVersion=0</c>), and one consistent
/// recheck per sweep for all directories about to be deleted (<see cref="RecheckAsync"/>). Lists are
/// paginated (<c>limit</c>/<c>continue</c>) where the server paginates them, and restarted from the start
/// when the continue token expires (410 Gone) at most <see cref="MaxRestarts"/> times.
/// <para>Fails closed: any error, timeout, or a list that does not end cleanly throws
/// <see cref="LivenessUnknownException"/> naming what failed (and, for 401/403, the RBAC permission).</para>
/// </summary>
public sealed class KubernetesLivenessSource(KubernetesApi api, KubernetesOptions options, string nodeName, string origin) : ILivenessSource
{
    public const int MaxRestarts = 3;

    /// <summary>The recheck before deletes makes at most this many lists (each maybe paginated).</summary>
    public const int MaxRecheckLists = 2;

    private const string FromCache = "0";
    private const string? Consistent = null;
    private const int MaxPages = 100_000;
    private static readonly ILogger Log = Serilog.Log.ForContext<KubernetesLivenessSource>();

    public KubernetesApi Api { get; } = api;

    public KubernetesOptions Options { get; } = options;

    public string NodeName { get; } = nodeName;

    public string Description => Options.Scope == KubernetesScope.Node
        ? $"kubernetes:node {NodeName} ({origin})"
        : $"kubernetes:cluster ({origin})";

    /// <summary>The API server is shared by every node: a sweep rechecks at most <c>liveness.rechecks</c> times.</summary>
    public int? RecheckReads => Options.Rechecks;

    private string ListPermission => Options.Scope == KubernetesScope.Node
        ? "pods list (cluster-wide: a ClusterRole, since this node's pods live in every namespace)"
        : "pods list (cluster-wide: a ClusterRole)";

    public async Task<LivenessSnapshot> SnapshotAsync(CancellationToken cancellationToken)
    {
        var selector = Options.Scope == KubernetesScope.Node ? $"spec.nodeName={NodeName}" : null;
        var what = Options.Scope == KubernetesScope.Node ? $"list pods on node {NodeName}" : "list pods in all namespaces";
        try
        {
            // resourceVersion=0: served from the API server's watch cache, never from etcd. It may be a little
            // stale; that only decides what is archived, and the consistent recheck decides every delete.
            var pods = await ListWithRestartsAsync(what, null, selector, FromCache, cancellationToken);
            if (pods.Count == 0 && Options.Scope == KubernetesScope.Node)
                throw new LivenessUnknownException($"{what}: the API server knows no pod at all on node '{NodeName}' (every real node runs some); is the node name right? Set --node or NODE_NAME (downward API spec.nodeName)");
            Log.Information("Liveness from {Source}: {Count} pods", Description, pods.Count);
            return new LivenessSnapshot(pods);
        }
        catch (KubernetesApiException e)
        {
            throw new LivenessUnknownException(e.Message, e);
        }
    }

    /// <summary>One consistent read (no resourceVersion: served at the newest version) for every pod about to
    /// lose its directory, at most <see cref="MaxRecheckLists"/> lists whatever their number. Node scope: this
    /// node's pods and the pods not yet scheduled (either may write here). Cluster scope: the pods of the
    /// namespaces concerned when they are few and all known, else every pod.</summary>
    public async Task<LivenessSnapshot> RecheckAsync(IReadOnlyCollection<PodRef> pods, CancellationToken cancellationToken)
    {
        if (pods.Count == 0) return new LivenessSnapshot([]);
        var names = pods.Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        bool Named(V1Pod p) => p.Metadata?.Name is { } n && names.Contains(n);
        var lists = new List<(string What, string? Namespace, string? Selector)>();
        if (Options.Scope == KubernetesScope.Node)
        {
            lists.Add(($"recheck pods on node {NodeName}", null, $"spec.nodeName={NodeName}"));
            lists.Add(("recheck pods not yet scheduled", null, "spec.nodeName="));
        }
        else if (pods.All(p => p.Namespace is not null) && pods.Select(p => p.Namespace).Distinct(StringComparer.Ordinal).Count() is var n && n <= MaxRecheckLists)
        {
            lists.AddRange(pods.Select(p => p.Namespace!).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)
                .Select(ns => ($"recheck pods in namespace {ns}", (string?)ns, (string?)null)));
        }
        else
        {
            lists.Add(("recheck pods in all namespaces", null, null));
        }
        try
        {
            var found = new List<PodState>();
            foreach (var (what, ns, selector) in lists)
                found.AddRange(await ListWithRestartsAsync(what, ns, selector, Consistent, cancellationToken, Named));
            Log.Information("Rechecked {Count} pods before deleting their directories with {Lists} consistent lists: {Alive} exist", pods.Count, lists.Count, found.Count);
            return new LivenessSnapshot(found);
        }
        catch (KubernetesApiException e)
        {
            throw new LivenessUnknownException(e.Message, e);
        }
    }

    /// <summary>A paginated list, restarted from the start when its continue token expires (410 Gone).</summary>
    private async Task<List<PodState>> ListWithRestartsAsync(string what, string? ns, string? fieldSelector, string? resourceVersion, CancellationToken cancellationToken, Func<V1Pod, bool>? keep = null)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await ListAsync(what, ns, fieldSelector, resourceVersion, cancellationToken, keep);
            }
            catch (KubernetesApiException e) when (e.Status == 410 && attempt < MaxRestarts)
            {
                Log.Warning("{What}: continue token expired (410 Gone); restarting the list from the beginning ({Attempt}/{Max})", what, attempt + 1, MaxRestarts);
            }
            catch (KubernetesApiException e) when (e.Status == 410)
            {
                throw new LivenessUnknownException($"{what}: the list expired (410 Gone) {MaxRestarts + 1} times in a row; the pod list is changing faster than it can be read, or pageSize is too small", e);
            }
        }
    }

    private async Task<List<PodState>> ListAsync(string what, string? ns, string? fieldSelector, string? resourceVersion, CancellationToken cancellationToken, Func<V1Pod, bool>? keep = null)
    {
        var pods = new List<PodState>();
        var tokens = new HashSet<string>(StringComparer.Ordinal);
        string? next = null;
        for (var page = 1; ; page++)
        {
            var token = next;
            // A continue token carries the version of the first page; a resourceVersion beside it is refused.
            var version = token is null ? resourceVersion : null;
            var list = await Api.CallAsync(page == 1 ? what : $"{what} (page {page})", ListPermission,
                ct => ns is null
                    ? Api.Client.CoreV1.ListPodForAllNamespacesAsync(continueParameter: token, fieldSelector: fieldSelector, limit: Options.PageSize, resourceVersion: version, cancellationToken: ct)
                    : Api.Client.CoreV1.ListNamespacedPodAsync(ns, continueParameter: token, fieldSelector: fieldSelector, limit: Options.PageSize, resourceVersion: version, cancellationToken: ct),
                cancellationToken);
            if (list?.Items is null)
                throw new LivenessUnknownException($"{what}: page {page} from {Api.Server} has no items list; the answer is incomplete");
            pods.AddRange(list.Items.Where(p => keep?.Invoke(p) ?? true).Select(ToState));
            next = list.Metadata?.ContinueProperty;
            if (string.IsNullOrEmpty(next)) return pods;
            if (!tokens.Add(next) || page >= MaxPages)
                throw new LivenessUnknownException($"{what}: pagination does not end (continue token repeated after page {page}); the list is incomplete");
        }
    }

    private static PodState ToState(V1Pod p) =>
        new(p.Metadata?.NamespaceProperty, p.Metadata?.Name ?? "", string.IsNullOrEmpty(p.Status?.Phase) ? "Unknown" : p.Status.Phase);
}
