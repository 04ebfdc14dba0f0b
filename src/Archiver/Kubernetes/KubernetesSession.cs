using System.Collections.Concurrent;

using Archiver.Liveness;

namespace Archiver.Kubernetes;

/// <summary>
/// What one process keeps between its sweeps for the Kubernetes API: one client (and its pooled
/// connections) per configuration, and when leftover Leases were last collected per server, namespace
/// and policy. The daemon holds one for its lifetime; a CLI command makes its own. Nothing of the
/// Kubernetes client is loaded until a client is asked for (a sweep with <c>liveness: none</c> never
/// does, and saved ~4.5 MiB of start-up RSS that way).
/// </summary>
public sealed class KubernetesSession
{
    private ConcurrentDictionary<string, k8s.Kubernetes>? _clients;
    private readonly ConcurrentDictionary<string, DateTimeOffset> _leaseCollections = new(StringComparer.Ordinal);

    /// <summary>The client for <paramref name="config"/>, made on first use.</summary>
    public k8s.Kubernetes Client(string origin, k8s.KubernetesClientConfiguration config) =>
        LazyInitializer.EnsureInitialized(ref _clients, () => new(StringComparer.Ordinal)).GetOrAdd($"{origin}|{config.Host}|{config.HttpClientTimeout}", _ => new k8s.Kubernetes(config));

    /// <summary>True when the caller is to collect the Leases of <paramref name="key"/> now: at most once per
    /// <paramref name="interval"/>, and only one caller at a time wins.</summary>
    public bool ClaimLeaseCollection(string key, DateTimeOffset now, TimeSpan interval)
    {
        var last = _leaseCollections.GetOrAdd(key, DateTimeOffset.MinValue);
        return now - last >= interval && _leaseCollections.TryUpdate(key, now, last);
    }
}
