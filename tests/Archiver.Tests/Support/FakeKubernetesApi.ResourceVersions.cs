using System.Text.Json.Nodes;

namespace Archiver.Tests.Support;

/// <summary>
/// Where a list is read from, by its <c>resourceVersion</c>, as the API server decides it:
/// <list type="bullet">
/// <item>validation, from apimachinery pkg/apis/meta/internalversion/validation/validation.go
/// (ValidateListOptions): <c>resourceVersionMatch</c> is forbidden without <c>resourceVersion</c> and with
/// <c>continue</c>, must be <c>Exact</c> or <c>NotOlderThan</c>, and <c>Exact</c> is forbidden for "0"; the
/// handler answers 422 Invalid (<c>ListOptions.meta.k8s.io "" is invalid: ...</c>);</item>
/// <item>from apiserver pkg/storage (ListReadConsistency): a <c>resourceVersion</c> other than "0" beside a
/// <c>continue</c> token is 400 BadRequest "specifying resource version is not allowed when using continue";</item>
/// <item>from apiserver pkg/storage/cacher (shouldDelegateList) and the "Resource versions" table of
/// docs/reference/using-api/api-concepts.md: <c>resourceVersion</c> unset is Most Recent (consistent, read
/// from etcd), "0" is Any (served from the watch cache, which before list-from-cache snapshots ignores
/// <c>limit</c> and answers the whole list in one page, without <c>continue</c>).</item>
/// </list>
/// A stale watch cache is modelled by <see cref="FreezeCache"/>.
/// </summary>
public sealed partial class FakeKubernetesApi
{
    private List<JsonObject>? _cachedPods;

    /// <summary>A pod list or get, any page, in all namespaces or one.</summary>
    public static bool IsPodRead(RecordedRequest r) =>
        r.Method == "GET" && (r.Path == "/api/v1/pods" || r.Path.StartsWith("/api/v1/namespaces/", StringComparison.Ordinal) && r.Path.Split('/') is [_, _, _, _, _, "pods", ..]);

    /// <summary>The first page of a pod list served from the watch cache (<c>resourceVersion=0</c>): the plan.</summary>
    public static bool IsCachedPodList(RecordedRequest r) => IsPodRead(r) && r.Path.EndsWith("/pods", StringComparison.Ordinal) && FromCache(r);

    /// <summary>The first page of a consistent pod list (no <c>resourceVersion</c>): the recheck before deletes.</summary>
    public static bool IsConsistentPodList(RecordedRequest r) =>
        IsPodRead(r) && r.Path.EndsWith("/pods", StringComparison.Ordinal) && !r.Query.ContainsKey("resourceVersion") && !r.Query.ContainsKey("continue");

    /// <summary>From now on the watch cache (<c>resourceVersion=0</c> lists) lags: it keeps showing the pods as they are now.</summary>
    public void FreezeCache()
    {
        lock (_gate) _cachedPods = _pods.Select(p => (JsonObject)p.DeepClone()).ToList();
    }

    /// <summary>True when a list with these parameters is served from the watch cache.</summary>
    private static bool FromCache(RecordedRequest r) =>
        r.Query.GetValueOrDefault("resourceVersion") == "0" && !r.Query.ContainsKey("continue") &&
        r.Query.GetValueOrDefault("resourceVersionMatch", "NotOlderThan") == "NotOlderThan";

    /// <summary>The error answer for list parameters the server refuses, or null.</summary>
    private static (int, JsonObject)? RefusedListOptions(RecordedRequest r)
    {
        var rv = r.Query.GetValueOrDefault("resourceVersion", "");
        var match = r.Query.GetValueOrDefault("resourceVersionMatch", "");
        var hasContinue = r.Query.GetValueOrDefault("continue", "").Length > 0;
        var errors = new List<string>();
        if (match.Length > 0)
        {
            if (rv.Length == 0) errors.Add("resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided");
            if (hasContinue) errors.Add("resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden when continue is provided");
            if (match is not ("Exact" or "NotOlderThan")) errors.Add($"resourceVersionMatch: Unsupported value: \"{match}\": supported values: \"Exact\", \"NotOlderThan\", \"\"");
            if (match == "Exact" && rv == "0") errors.Add("resourceVersionMatch: Forbidden: resourceVersionMatch \"exact\" is forbidden for resourceVersion \"0\"");
        }
        if (errors.Count > 0)
        {
            var message = $"ListOptions.meta.k8s.io \"\" is invalid: {(errors.Count == 1 ? errors[0] : $"[{string.Join(", ", errors)}]")}";
            return (422, Status(422, message, "Invalid"));
        }
        if (hasContinue && rv.Length > 0 && rv != "0")
            return (400, Status(400, "specifying resource version is not allowed when using continue", "BadRequest"));
        return null;
    }

    /// <summary>The pods a list reads: the watch cache's (maybe stale) copy, or the current ones.</summary>
    private List<JsonObject> PodsFor(RecordedRequest r) => FromCache(r) && _cachedPods is not null ? _cachedPods : _pods;
}
