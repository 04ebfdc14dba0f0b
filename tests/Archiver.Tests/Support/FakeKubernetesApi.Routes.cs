using System.Text;
using System.Text.Json.Nodes;

namespace Archiver.Tests.Support;

/// <summary>The fake API's routes: pods (list, in all namespaces or one, with field selectors, continue tokens
/// and resourceVersion rules; GET), leases (GET, list by label, POST with 409 AlreadyExists, PUT with 409 Conflict
/// on a stale resourceVersion, DELETE with preconditions),
/// events (POST, validated as the server does), and Status bodies as the real API server writes them.</summary>
public sealed partial class FakeKubernetesApi
{
    private (int, JsonObject) Route(RecordedRequest r)
    {
        var parts = r.Path.Trim('/').Split('/');
        lock (_gate)
        {
            if (r.Method == "GET" && r.Path == "/api/v1/pods") return ListPods(r, null);
            if (r.Method == "GET" && parts is ["api", "v1", "namespaces", var lns2, "pods"]) return ListPods(r, lns2);
            if (r.Method == "GET" && parts is ["api", "v1", "namespaces", var ns, "pods", var name])
            {
                var pod = _pods.FirstOrDefault(p => Meta(p, "namespace") == ns && Meta(p, "name") == name);
                if (pod is null) return (404, Status(404, $"pods \"{name}\" not found"));
                var copy = (JsonObject)pod.DeepClone();
                copy["kind"] = "Pod";
                copy["apiVersion"] = "v1";
                return (200, copy);
            }
            if (parts is ["apis", "coordination.k8s.io", "v1", "namespaces", var lns, "leases", ..]) return Leases(r, lns, parts.Length > 6 ? parts[6] : null);
            if (r.Method == "POST" && parts is ["api", "v1", "namespaces", var ens, "events"]) return CreateEvent(ens, r.Body ?? "{}");
        }
        return (404, Status(404, $"the server could not find the requested resource ({r.Method} {r.Path})"));
    }

    private (int, JsonObject) ListPods(RecordedRequest r, string? ns)
    {
        if (RefusedListOptions(r) is { } refused) return refused;
        var (terms, error) = ParsePodFieldSelector(r.Query.GetValueOrDefault("fieldSelector", ""));
        if (error is not null) return (400, Status(400, error, "BadRequest"));
        var all = PodsFor(r).Where(p => ns is null || Meta(p, "namespace") == ns).OrderBy(p => Meta(p, "namespace"), StringComparer.Ordinal).ThenBy(p => Meta(p, "name"), StringComparer.Ordinal)
            .Where(p => IgnoreFieldSelectors || Matches(p, terms)).ToList();
        var offset = r.Query.TryGetValue("continue", out var token) && token.Length > 0 ? int.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(token))[1..]) : 0;
        var limit = !FromCache(r) && r.Query.TryGetValue("limit", out var l) && int.TryParse(l, out var n) && n > 0 ? n : int.MaxValue;
        var page = all.Skip(offset).Take(limit).Select(p => p.DeepClone()).ToArray();
        var metadata = new JsonObject { ["resourceVersion"] = _resourceVersion.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        var next = offset + page.Length;
        if (next < all.Count)
        {
            metadata["continue"] = Convert.ToBase64String(Encoding.UTF8.GetBytes($"o{(LoopingContinueToken ? limit : next)}"));
            metadata["remainingItemCount"] = all.Count - next;
        }
        return (200, new JsonObject { ["kind"] = "PodList", ["apiVersion"] = "v1", ["metadata"] = metadata, ["items"] = new JsonArray(page) });
    }

    private static string FaultMessage(int status, RecordedRequest r) => status switch
    {
        401 => "Unauthorized",
        403 => $"pods is forbidden: User \"system:serviceaccount:archiver:archiver\" cannot list resource \"pods\" in API group \"\" at the cluster scope",
        410 => "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.",
        _ => $"injected failure for {r.Method} {r.Path}",
    };

    private static JsonObject Status(int code, string message, string? reason = null) => new()
    {
        ["kind"] = "Status",
        ["apiVersion"] = "v1",
        ["metadata"] = new JsonObject(),
        ["status"] = "Failure",
        ["message"] = message,
        ["reason"] = reason ?? code switch { 401 => "Unauthorized", 403 => "Forbidden", 404 => "NotFound", 409 => "Conflict", 410 => "Expired", 422 => "Invalid", 500 => "InternalError", _ => "Unknown" },
        ["code"] = code,
    };
}
