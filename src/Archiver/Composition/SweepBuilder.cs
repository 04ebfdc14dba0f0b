using Archiver.Journal;
using Archiver.Layouts;
using Archiver.Liveness;
using Archiver.Liveness.Kubernetes;
using Archiver.Pipeline;
using Archiver.Policies;

namespace Archiver.Composition;

/// <summary>
/// The composition root of a sweep: policy, store, liveness, locks, events and journal put together
/// in one place, for the CLI (<c>sweep</c>, <c>archive</c>, <c>demo</c>) and the daemon alike.
/// </summary>
public static class SweepBuilder
{
    /// <summary>Builds the context: checks the key template and the root, creates the store and the
    /// liveness source (neither is contacted yet), reads the age recipients and adds the Kubernetes lock and event sink when the
    /// policy asks for them. Throws <see cref="ConfigurationException"/> before anything is touched.</summary>
    public static SweepContext Build(Policy policy, NodeIdentity node, string? kubeconfig, TimeProvider clock)
    {
        var layout = PodLayout.Parse(policy.Layout);
        if (!KeyTemplate.TryParse(policy.Key, layout.FieldNames, policy.Extension, out var key, out var keyErrors))
            throw new ConfigurationException(keyErrors.Select(e => new PolicyProblem(policy.Source, 0, e)).ToList());
        if (!Directory.Exists(policy.Root))
            throw new ConfigurationException($"root {policy.Root} does not exist or is not a directory; create it or fix root (policy {policy.Source})");
        var recipients = policy.Encryption?.LoadRecipients();
        var liveness = LivenessFactory.Create(policy.Liveness, new LivenessContext(node, kubeconfig));
        var store = StoreFactory.Create(policy.Store);
        var ctx = new SweepContext(policy, layout, key, store, liveness, new DirectoryJournal(policy.StateDirectory, clock), clock, node.Name) { Recipients = recipients };
        return KubernetesSetup.AddClusterServices(ctx);
    }
}
