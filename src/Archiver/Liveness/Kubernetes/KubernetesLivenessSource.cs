using Archiver.Layouts;
using Archiver.Policies;
using Serilog;
using k8s.Models;
using k8s;

namespace Archiver.Liveness.Kubernetes;

/// <summary>
/// Liveness from the Kubernetes API. <c>scope: node</c> lists the pods bound to this node
/// (<c>fieldSelector=spec.nodeName=NODE</c>), <c>scope: cluster</c> lists every pod; either way one
/// paginated list per sweep (<c>limit</c>/<c>continue</c>), restarted from the start when the
/// continue token expires (410 Gone) at most <see cref="MaxRestarts"/> times.
/// <para>Fails closed: any error, timeout, or a list that does not end cleanly throws
/// <see cref="LivenessUnknownException"/> naming what failed (and, for 401/403, the RBAC permission).</para>
/// </summary>
public sealed class KubernetesLivenessSource(KubernetesApi api, KubernetesOptions options, string nodeName, string origin) : ILivenessSource
{
    public const int MaxRestarts = 3;
    private const int MaxPages = 100_000;
    private static readonly ILogger Log = Serilog.Log.ForContext<KubernetesLivenessSource>();

    public KubernetesApi Api { get; } = api;

    public KubernetesOptions Options { get; } = options;

    public string NodeName { get; } = nodeName;

    public string Description => Options.Scope == KubernetesScope.Node
        ? $"kubernetes:node {NodeName} ({origin})"
        : $"kubernetes:cluster ({origin})";

    private string ListPermission => Options.Scope == KubernetesScope.Node
        ? "pods list (cluster-wide: a ClusterRole, since this node's pods live in every namespace)"
        : "pods list (cluster-wide: a ClusterRole)";

    public async Task<LivenessSnapshot> SnapshotAsync(CancellationToken cancellationToken)
    {
        var selector = Options.Scope == KubernetesScope.Node ? $"spec.nodeName={NodeName}" : null;
        var what = Options.Scope == KubernetesScope.Node ? $"list pods on node {NodeName}" : "list pods in all namespaces";
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                var pods = await ListAsync(what, selector, cancellationToken);
                if (pods.Count == 0 && Options.Scope == KubernetesScope.Node)
                    throw new LivenessUnknownException($"{what}: the API server knows no pod at all on node '{NodeName}' (every real node runs some); is the node name right? Set --node or NODE_NAME (downward API spec.nodeName)");
                Log.Information("Liveness from {Source}: {Count} pods", Description, pods.Count);
                return new LivenessSnapshot(pods);
            }
            catch (KubernetesApiException e) when (e.Status == 410 && attempt < MaxRestarts)
            {
                Log.Warning("{What}: continue token expired (410 Gone); restarting the list from the beginning ({Attempt}/{Max})", what, attempt + 1, MaxRestarts);
            }
            catch (KubernetesApiException e) when (e.Status == 410)
            {
                throw new LivenessUnknownException($"{what}: the list expired (410 Gone) {MaxRestarts + 1} times in a row; the pod list is changing faster than it can be read, or pageSize is too small", e);
            }
            catch (KubernetesApiException e)
            {
                throw new LivenessUnknownException(e.Message, e);
            }
        }
    }

    public async Task<PodState?> GetPodAsync(PodRef pod, CancellationToken cancellationToken)
    {
        try
        {
            if (pod.Namespace is not null)
            {
                var found = await Api.CallAsync($"get pod {pod.Namespace}/{pod.Name}", $"pods get (in namespace {pod.Namespace})",
                    async ct => await ReadOrNullAsync(pod.Namespace, pod.Name, ct), cancellationToken);
                if (found is null) return null;
                var state = ToState(found);
                // hostPath is node-local: a pod bound to another node cannot be writing here.
                if (Options.Scope == KubernetesScope.Node && found.Spec?.NodeName is { Length: > 0 } bound && bound != NodeName)
                {
                    Log.Information("Pod {Pod} exists but runs on node {Node}, not {This}; it does not protect this node's directory", state.Display, bound, NodeName);
                    return null;
                }
                return state;
            }
            // No namespace in the layout: look the name up in every namespace. Only pods of exactly that
            // name count, whatever else the answer holds. In node scope a pod bound to another node does
            // not count; one not yet scheduled might come here, so it does.
            var pods = await ListAsync($"find pod {pod.Name}", $"metadata.name={pod.Name}", cancellationToken,
                p => p.Metadata?.Name == pod.Name &&
                    (Options.Scope == KubernetesScope.Cluster || string.IsNullOrEmpty(p.Spec?.NodeName) || p.Spec.NodeName == NodeName));
            return pods.FirstOrDefault(p => !p.IsTerminal) ?? pods.FirstOrDefault();
        }
        catch (KubernetesApiException e)
        {
            throw new LivenessUnknownException(e.Message, e);
        }
    }

    private async Task<V1Pod?> ReadOrNullAsync(string ns, string name, CancellationToken ct)
    {
        try
        {
            return await Api.Client.CoreV1.ReadNamespacedPodAsync(name, ns, cancellationToken: ct);
        }
        catch (k8s.Autorest.HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    private async Task<List<PodState>> ListAsync(string what, string? fieldSelector, CancellationToken cancellationToken, Func<V1Pod, bool>? keep = null)
    {
        var pods = new List<PodState>();
        var tokens = new HashSet<string>(StringComparer.Ordinal);
        string? next = null;
        for (var page = 1; ; page++)
        {
            var token = next;
            var list = await Api.CallAsync(page == 1 ? what : $"{what} (page {page})", ListPermission,
                ct => Api.Client.CoreV1.ListPodForAllNamespacesAsync(continueParameter: token, fieldSelector: fieldSelector, limit: Options.PageSize, cancellationToken: ct),
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
