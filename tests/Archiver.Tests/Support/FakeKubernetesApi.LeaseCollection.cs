using System.Text.Json.Nodes;

namespace Archiver.Tests.Support;

/// <summary>
/// Leases listed by label and deleted with preconditions, as the API server does it:
/// <list type="bullet">
/// <item>label selectors from apimachinery pkg/labels/selector.go (Parse): comma-separated terms that must all
/// hold; <c>k=v</c>, <c>k==v</c>, <c>k!=v</c> (a missing label matches <c>!=</c>), <c>k</c> (exists), <c>!k</c>
/// (does not exist). Set-based terms (<c>in</c>, <c>notin</c>) are not modelled: 501, so a test notices;</item>
/// <item>DELETE with <c>DeleteOptions.preconditions</c>, from apiserver pkg/storage/etcd3/store.go
/// (checkPreconditions → storage.NewInvalidObjError, answered 409 Conflict by the registry):
/// a <c>resourceVersion</c> or <c>uid</c> that differs from the object's is
/// "Precondition failed: ResourceVersion in precondition: X, ResourceVersion in object meta: Y"; 404 when gone;</item>
/// <item>lists follow the same resourceVersion rules as pod lists.</item>
/// </list>
/// </summary>
public sealed partial class FakeKubernetesApi
{
    public int LeaseCount
    {
        get { lock (_gate) return _leases.Count; }
    }

    private (int, JsonObject) ListLeases(RecordedRequest r, string ns)
    {
        if (RefusedListOptions(r) is { } refused) return refused;
        var terms = new List<(string Key, string Op, string Value)>();
        foreach (var term in r.Query.GetValueOrDefault("labelSelector", "").Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            var t = term.Trim();
            if (t.Contains(" in ", StringComparison.Ordinal) || t.Contains(" notin ", StringComparison.Ordinal) || t.Contains('('))
                return (501, Status(501, $"the fake API does not model set-based label selectors ({t})", "NotImplemented"));
            var op = t.Contains("!=", StringComparison.Ordinal) ? "!=" : t.Contains("==", StringComparison.Ordinal) ? "==" : t.Contains('=') ? "=" : t.StartsWith('!') ? "!" : "exists";
            var (key, value) = op switch
            {
                "!" => (t[1..], ""),
                "exists" => (t, ""),
                _ => (t[..t.IndexOf(op, StringComparison.Ordinal)], t[(t.IndexOf(op, StringComparison.Ordinal) + op.Length)..]),
            };
            if (key.Length == 0 || key.Any(char.IsWhiteSpace) || value.Any(c => char.IsWhiteSpace(c) || c == '='))
                return (400, Status(400, $"unable to parse requirement: invalid label selector term '{t}'", "BadRequest"));
            terms.Add((key, op, value));
        }
        bool Matches(JsonObject lease)
        {
            var labels = lease["metadata"]?["labels"] as JsonObject;
            return terms.All(t =>
            {
                var has = labels?.ContainsKey(t.Key) == true;
                var value = has ? labels![t.Key]?.GetValue<string>() : null;
                return t.Op switch { "exists" => has, "!" => !has, "!=" => value != t.Value, _ => value == t.Value };
            });
        }
        var items = _leases.Where(kv => kv.Key.Ns == ns && Matches(kv.Value)).OrderBy(kv => kv.Key.Name, StringComparer.Ordinal)
            .Select(kv => kv.Value.DeepClone()).ToArray();
        var metadata = new JsonObject { ["resourceVersion"] = _resourceVersion.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        return (200, new JsonObject { ["kind"] = "LeaseList", ["apiVersion"] = "coordination.k8s.io/v1", ["metadata"] = metadata, ["items"] = new JsonArray(items) });
    }

    private (int, JsonObject) DeleteLease(RecordedRequest r, string ns, string name)
    {
        if (!_leases.TryGetValue((ns, name), out var current)) return (404, Status(404, $"leases.coordination.k8s.io \"{name}\" not found"));
        var preconditions = string.IsNullOrEmpty(r.Body) ? null : JsonNode.Parse(r.Body)?["preconditions"];
        var rv = preconditions?["resourceVersion"]?.GetValue<string>();
        var uid = preconditions?["uid"]?.GetValue<string>();
        if (rv is not null && rv != Meta(current, "resourceVersion"))
            return (409, Status(409, $"Operation cannot be fulfilled on leases.coordination.k8s.io \"{name}\": Precondition failed: ResourceVersion in precondition: {rv}, ResourceVersion in object meta: {Meta(current, "resourceVersion")}", "Conflict"));
        if (uid is not null && uid != Meta(current, "uid"))
            return (409, Status(409, $"Operation cannot be fulfilled on leases.coordination.k8s.io \"{name}\": Precondition failed: UID in precondition: {uid}, UID in object meta: {Meta(current, "uid")}", "Conflict"));
        _leases.Remove((ns, name));
        return (200, new JsonObject { ["kind"] = "Status", ["apiVersion"] = "v1", ["metadata"] = new JsonObject(), ["status"] = "Success", ["details"] = new JsonObject { ["name"] = name, ["group"] = "coordination.k8s.io", ["kind"] = "leases" } });
    }
}
