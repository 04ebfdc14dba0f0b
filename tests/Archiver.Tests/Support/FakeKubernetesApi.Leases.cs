using System.Text.Json.Nodes;

namespace Archiver.Tests.Support;

/// <summary>coordination.k8s.io/v1 leases: GET, POST with 409 AlreadyExists, PUT with 409 Conflict
/// on a stale resourceVersion (list and DELETE: FakeKubernetesApi.LeaseCollection.cs); and leases put or read by a test.</summary>
public sealed partial class FakeKubernetesApi
{
    public JsonObject? Lease(string ns, string name)
    {
        lock (_gate) return _leases.TryGetValue((ns, name), out var l) ? (JsonObject)l.DeepClone() : null;
    }

    /// <summary>Puts a lease as another archiver would have left it.</summary>
    public void PutLease(string ns, string name, string? holder, DateTimeOffset renewTime, int durationSeconds, IReadOnlyDictionary<string, string>? labels = null)
    {
        lock (_gate)
        {
            var labelObject = new JsonObject();
            foreach (var (k, v) in labels ?? new Dictionary<string, string>()) labelObject[k] = v;
            _leases[(ns, name)] = new JsonObject
            {
                ["kind"] = "Lease",
                ["apiVersion"] = "coordination.k8s.io/v1",
                ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = ns, ["resourceVersion"] = NextVersion(), ["uid"] = Guid.NewGuid().ToString(), ["labels"] = labelObject },
                ["spec"] = new JsonObject
                {
                    ["holderIdentity"] = holder,
                    ["leaseDurationSeconds"] = durationSeconds,
                    ["acquireTime"] = MicroTime(renewTime),
                    ["renewTime"] = MicroTime(renewTime),
                    ["leaseTransitions"] = 0,
                },
            };
        }
    }

    public static string MicroTime(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", System.Globalization.CultureInfo.InvariantCulture);

    private (int, JsonObject) Leases(RecordedRequest r, string ns, string? name)
    {
        if (r.Method == "GET" && name is null) return ListLeases(r, ns);
        if (r.Method == "DELETE" && name is not null) return DeleteLease(r, ns, name);
        if (r.Method == "GET" && name is not null)
            return _leases.TryGetValue((ns, name), out var l) ? (200, (JsonObject)l.DeepClone()) : (404, Status(404, $"leases.coordination.k8s.io \"{name}\" not found"));
        var lease = JsonNode.Parse(r.Body ?? "{}")!.AsObject();
        var leaseName = name ?? Meta(lease, "name") ?? "";
        if (r.Method == "POST" && name is null)
        {
            if (_leases.ContainsKey((ns, leaseName))) return (409, Status(409, $"leases.coordination.k8s.io \"{leaseName}\" already exists", "AlreadyExists"));
        }
        else if (r.Method == "PUT" && name is not null)
        {
            if (!_leases.TryGetValue((ns, name), out var current)) return (404, Status(404, $"leases.coordination.k8s.io \"{name}\" not found"));
            if (Meta(lease, "resourceVersion") != Meta(current, "resourceVersion"))
                return (409, Status(409, $"Operation cannot be fulfilled on leases.coordination.k8s.io \"{name}\": the object has been modified; please apply your changes to the latest version and try again", "Conflict"));
        }
        else
        {
            return (405, Status(405, $"{r.Method} not allowed on leases", "MethodNotAllowed"));
        }
        lease["kind"] = "Lease";
        lease["apiVersion"] = "coordination.k8s.io/v1";
        lease["metadata"]!["namespace"] = ns;
        lease["metadata"]!["resourceVersion"] = NextVersion();
        if (r.Method == "POST") lease["metadata"]!["uid"] = Guid.NewGuid().ToString();
        _leases[(ns, leaseName)] = lease;
        return (r.Method == "POST" ? 201 : 200, (JsonObject)lease.DeepClone());
    }
}
