using Archiver.Journal;
using Archiver.Layouts;
using Archiver.Liveness;
using Archiver.Kubernetes;
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
    /// liveness source with its lock and event sink (nothing is contacted yet) and reads the age recipients.
    /// A <paramref name="session"/> keeps Kubernetes clients between sweeps (the daemon's lives as long as it does). Throws <see cref="ConfigurationException"/> before anything is touched.</summary>
    public static SweepContext Build(Policy policy, LivenessContext context, TimeProvider clock) => Build(policy, context, new KubernetesSession(), clock);

    public static SweepContext Build(Policy policy, LivenessContext context, KubernetesSession session, TimeProvider clock)
    {
        var layout = PodLayout.Parse(policy.Layout);
        if (!KeyTemplate.TryParse(policy.Key, layout.FieldNames, policy.Extension, out var key, out var keyErrors))
            throw new ConfigurationException(keyErrors.Select(e => new PolicyProblem(policy.Source, 0, e)).ToList());
        if (!Directory.Exists(policy.Root))
            throw new ConfigurationException($"root {policy.Root} does not exist or is not a directory; create it or fix root (policy {policy.Source})");
        var recipients = policy.Encryption?.LoadRecipients();
        var liveness = LivenessFactory.Create(policy.Liveness, context, session, policy.Name, clock);
        var store = StoreFactory.Create(policy.Store);
        return new SweepContext(policy, layout, key, store, liveness.Source, new DirectoryJournal(policy.StateDirectory, clock), clock, context.Node.Name)
        {
            Recipients = recipients,
            DirectoryLock = liveness.DirectoryLock,
            Events = liveness.Events,
        };
    }
}
