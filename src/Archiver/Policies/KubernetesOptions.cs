using System.Globalization;
using System.Text.RegularExpressions;

namespace Archiver.Policies;

public enum KubernetesScope { Node, Cluster }

/// <summary>
/// The <c>liveness:</c> options of the <c>kubernetes</c> source, e.g.
/// <c>liveness: {source: kubernetes, scope: cluster, lease: true}</c>. Every key and value is
/// checked by <see cref="Check"/> when the policy is loaded, so a typo is an error with its line.
/// </summary>
public sealed partial record KubernetesOptions
{
    public static readonly IReadOnlyList<string> Keys =
        ["scope", "kubeconfig", "requestTimeout", "pageSize", "rechecks", "lease", "leaseNamespace", "leaseDuration", "events"];

    [GeneratedRegex(@"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$", RegexOptions.CultureInvariant)]
    private static partial Regex DnsLabel();

    /// <summary><c>node</c> (hostPath: pods of this node only) or <c>cluster</c> (shared volume: every pod).</summary>
    public KubernetesScope Scope { get; init; } = KubernetesScope.Node;

    public string? Kubeconfig { get; init; }

    /// <summary>Each API call fails (and liveness is unknown) after this long.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);

    public int PageSize { get; init; } = 500;

    /// <summary>Consistent reads of the pods before deletes, per sweep: the deletes come in that many
    /// waves (1: all at the end of the sweep; 2: from mid-sweep, freeing disk sooner). Each read is one
    /// list (two in node scope: this node's pods and the pods not yet scheduled).</summary>
    public int Rechecks { get; init; } = 2;

    /// <summary>Take a Lease per directory before archiving it. Default: on for <c>cluster</c> scope
    /// (shared volumes, where several archivers see one directory), off for <c>node</c>.</summary>
    public bool? Lease { get; init; }

    public bool UseLease => Lease ?? Scope == KubernetesScope.Cluster;

    /// <summary>Namespace for leases; null means POD_NAMESPACE, else <c>archiver</c>. (Events go to the
    /// archiver pod's own namespace, see <see cref="KubernetesEventSink"/>.)</summary>
    public string? LeaseNamespace { get; init; }

    public TimeSpan LeaseDuration { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Record an <c>Archived</c> event (about the archiver's pod) per archived directory.</summary>
    public bool Events { get; init; } = true;

    /// <summary>Checks one option; returns what is wrong, or null.</summary>
    public static string? Check(string key, string value) => key switch
    {
        "scope" => value is "node" or "cluster" ? null : $"liveness.scope '{value}' must be node (hostPath, pods of this node) or cluster (shared volume, every pod)",
        "kubeconfig" => value.Length > 0 ? null : "liveness.kubeconfig must be a file path",
        "requestTimeout" => Duration.TryParse(value, out var t, out var err)
            ? t >= TimeSpan.FromMilliseconds(100) && t <= TimeSpan.FromMinutes(10) ? null : $"liveness.requestTimeout '{value}' must be from 100ms to 10m"
            : $"liveness.requestTimeout: {err}",
        "pageSize" => int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= 5000 ? null : $"liveness.pageSize '{value}' must be a whole number from 1 to 5000",
        "rechecks" => value is "1" or "2" or "3" ? null : $"liveness.rechecks '{value}' must be 1, 2 or 3 (consistent reads of the pods before deletes per sweep)",
        "lease" or "events" => value is "true" or "false" ? null : $"liveness.{key} '{value}' must be true or false",
        "leaseNamespace" => DnsLabel().IsMatch(value) ? null : $"liveness.leaseNamespace '{value}' is not a Kubernetes namespace name (lowercase letters, digits and '-', at most 63)",
        "leaseDuration" => Duration.TryParse(value, out var d, out var derr)
            ? d >= TimeSpan.FromSeconds(15) && d <= TimeSpan.FromHours(1) ? null : $"liveness.leaseDuration '{value}' must be from 15s to 1h"
            : $"liveness.leaseDuration: {derr}",
        _ => $"liveness option '{key}' is not known for source kubernetes; known: {string.Join(", ", Keys)}",
    };

    /// <summary>Reads checked options (see <see cref="Check"/>); throws <see cref="ConfigurationException"/> on a bad one.</summary>
    public static KubernetesOptions From(IReadOnlyDictionary<string, string> options)
    {
        var problems = options.Select(o => Check(o.Key, o.Value)).OfType<string>().Select(m => new PolicyProblem("liveness", 0, m)).ToList();
        if (problems.Count > 0) throw new ConfigurationException(problems);
        var o = new KubernetesOptions();
        foreach (var (key, value) in options)
        {
            o = key switch
            {
                "scope" => o with { Scope = value == "cluster" ? KubernetesScope.Cluster : KubernetesScope.Node },
                "kubeconfig" => o with { Kubeconfig = value },
                "requestTimeout" => o with { RequestTimeout = Parse(value) },
                "pageSize" => o with { PageSize = int.Parse(value, CultureInfo.InvariantCulture) },
                "rechecks" => o with { Rechecks = int.Parse(value, CultureInfo.InvariantCulture) },
                "lease" => o with { Lease = value == "true" },
                "leaseNamespace" => o with { LeaseNamespace = value },
                "leaseDuration" => o with { LeaseDuration = Parse(value) },
                "events" => o with { Events = value == "true" },
                _ => o,
            };
        }
        return o;
    }

    private static TimeSpan Parse(string value) => Duration.TryParse(value, out var t, out _) ? t : throw new ArgumentException(value);
}
