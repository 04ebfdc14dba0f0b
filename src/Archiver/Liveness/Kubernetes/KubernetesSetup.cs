using Archiver.Pipeline;
using Archiver.Policies;
using Serilog;

namespace Archiver.Liveness.Kubernetes;

/// <summary>
/// Builds the <c>kubernetes</c> liveness source from a policy's options and the command line,
/// and, for a sweep, the directory lock (Leases) and the event sink that share its client.
/// Configuration problems are <see cref="ConfigurationException"/>s (exit 2), raised before
/// anything is contacted.
/// </summary>
public static class KubernetesSetup
{
    public const string DefaultNamespace = "archiver";

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, k8s.Kubernetes> Clients = new(StringComparer.Ordinal);

    public static KubernetesLivenessSource CreateSource(LivenessSpec spec, LivenessContext context) =>
        CreateSource(spec, context, KubernetesConfigLoader.FromProcess());

    public static KubernetesLivenessSource CreateSource(LivenessSpec spec, LivenessContext context, KubernetesConfigLoader loader)
    {
        var options = KubernetesOptions.From(spec.Options);
        if (!context.Node.IsExplicit && options.Scope == KubernetesScope.Node)
            throw new ConfigurationException("liveness kubernetes with scope node needs this node's Kubernetes name: pass --node NAME or set NODE_NAME " +
                "(in the DaemonSet: env NODE_NAME from fieldRef spec.nodeName); the host name is not used, because a wrong name would make every pod look gone");
        var (config, origin) = loader.Load(context.Kubeconfig ?? options.Kubeconfig);
        config.HttpClientTimeout = options.RequestTimeout + TimeSpan.FromSeconds(5);
        // The daemon sweeps every few minutes: reuse one client (and its connections) per configuration.
        var client = Clients.GetOrAdd($"{origin}|{config.Host}|{config.HttpClientTimeout}", _ => new k8s.Kubernetes(config));
        return new KubernetesLivenessSource(new KubernetesApi(client, config.Host, options.RequestTimeout), options, context.Node.Name, origin);
    }

    /// <summary>Adds the Lease lock (when <c>lease</c> is on) and the event sink (when <c>events</c> is on
    /// and the archiver runs in a pod) to a sweep whose liveness comes from Kubernetes; other sweeps
    /// are returned unchanged.</summary>
    public static SweepContext AddClusterServices(SweepContext ctx) => AddClusterServices(ctx, Environment.GetEnvironmentVariable);

    public static SweepContext AddClusterServices(SweepContext ctx, Func<string, string?> environment)
    {
        if (ctx.Liveness is not KubernetesLivenessSource k) return ctx;
        var ns = k.Options.LeaseNamespace ?? (environment("POD_NAMESPACE") is { Length: > 0 } podNs ? podNs : DefaultNamespace);
        var holder = environment("POD_NAME") is { Length: > 0 } pod ? $"{k.NodeName}/{pod}" : k.NodeName;
        if (k.Options.UseLease)
        {
            ctx = ctx with { DirectoryLock = new LeaseDirectoryLock(k.Api, ns, holder, k.Options.LeaseDuration, ctx.Policy.Name, ctx.Clock) };
            Log.Information("Directories are locked with Leases in namespace {Namespace} as {Holder}", ns, holder);
        }
        if (k.Options.Events)
        {
            // Events are about the archiver's own pod (see KubernetesEventSink); outside a pod there is none.
            var self = ArchiverPod.FromEnvironment(environment);
            ctx = ctx with { Events = self is null ? NoArchiveEventSink.Instance : new KubernetesEventSink(k.Api, self, k.NodeName, holder, ctx.Clock) };
            if (self is null)
                Log.Information("No Archived events: they are recorded about the archiver's own pod, and POD_NAMESPACE and POD_NAME are not set " +
                    "(the DaemonSet sets them from the downward API)");
        }
        return ctx;
    }
}
