using Archiver.Pipeline;
using Archiver.Policies;
using Serilog;

using Archiver.Liveness;

namespace Archiver.Kubernetes;

/// <summary>
/// Builds the <c>kubernetes</c> liveness source from a policy's options and the command line,
/// with, for a sweep, the directory lock (Leases) and the event sink that share its client.
/// Configuration problems are <see cref="ConfigurationException"/>s (exit 2), raised before
/// anything is contacted.
/// </summary>
public static class KubernetesSetup
{
    public const string DefaultNamespace = "archiver";

    /// <summary>The source, the Lease lock (when <c>lease</c> is on) and the event sink (when <c>events</c> is
    /// on and the archiver runs in a pod) of one sweep of <paramref name="policy"/>, sharing one client.</summary>
    public static LivenessServices Create(LivenessSpec spec, LivenessContext context, KubernetesSession session, string policy, TimeProvider clock) =>
        Create(spec, context, session, policy, clock, KubernetesConfigLoader.FromProcess(), Environment.GetEnvironmentVariable);

    public static LivenessServices Create(LivenessSpec spec, LivenessContext context, KubernetesSession session, string policy, TimeProvider clock,
        KubernetesConfigLoader loader, Func<string, string?> environment)
    {
        var source = CreateSource(spec, context, session, loader);
        var services = LivenessServices.Alone(source);
        var ns = source.Options.LeaseNamespace ?? (environment("POD_NAMESPACE") is { Length: > 0 } podNs ? podNs : DefaultNamespace);
        var holder = environment("POD_NAME") is { Length: > 0 } pod ? $"{source.NodeName}/{pod}" : source.NodeName;
        if (source.Options.UseLease)
        {
            services = services with { DirectoryLock = new LeaseDirectoryLock(source.Api, ns, holder, source.Options.LeaseDuration, policy, session, clock) };
            Log.Information("Directories are locked with Leases in namespace {Namespace} as {Holder}", ns, holder);
        }
        if (source.Options.Events)
        {
            // Events are about the archiver's own pod (see KubernetesEventSink); outside a pod there is none.
            var self = ArchiverPod.FromEnvironment(environment);
            if (self is not null) services = services with { Events = new KubernetesEventSink(source.Api, self, source.NodeName, holder, clock) };
            else
                Log.Information("No Archived events: they are recorded about the archiver's own pod, and POD_NAMESPACE and POD_NAME are not set " +
                    "(the DaemonSet sets them from the downward API)");
        }
        return services;
    }

    /// <summary>The liveness source alone (no lock, no events), with a client from <paramref name="session"/>.</summary>
    public static KubernetesLivenessSource CreateSource(LivenessSpec spec, LivenessContext context, KubernetesSession session, KubernetesConfigLoader loader)
    {
        var options = KubernetesOptions.From(spec.Options);
        if (!context.Node.IsExplicit && options.Scope == KubernetesScope.Node)
            throw new ConfigurationException("liveness kubernetes with scope node needs this node's Kubernetes name: pass --node NAME or set NODE_NAME " +
                "(in the DaemonSet: env NODE_NAME from fieldRef spec.nodeName); the host name is not used, because a wrong name would make every pod look gone");
        var (config, origin) = loader.Load(context.Kubeconfig ?? options.Kubeconfig);
        config.HttpClientTimeout = options.RequestTimeout + TimeSpan.FromSeconds(5);
        // The daemon sweeps every few minutes: its session reuses one client (and its connections) per configuration.
        var client = session.Client(origin, config);
        return new KubernetesLivenessSource(new KubernetesApi(client, config.Host, options.RequestTimeout), options, context.Node.Name, origin);
    }
}
