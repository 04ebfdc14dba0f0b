using Archiver.Liveness;
using Archiver.Kubernetes;
using Archiver.Pipeline;
using Archiver.Policies;

namespace Archiver.Composition;

/// <summary>Makes what a policy's <c>liveness</c> names: the source, and for <c>kubernetes</c> the Lease
/// lock and the event sink that share its client.</summary>
public static class LivenessFactory
{
    public static LivenessServices Create(LivenessSpec spec, LivenessContext context, KubernetesSession session, string policy, TimeProvider clock) => spec.Source switch
    {
        "none" => LivenessServices.Alone(new NoLivenessSource()),
        "static" => LivenessServices.Alone(CreateStatic(spec.File!)),
        "kubernetes" => KubernetesSetup.Create(spec, context, session, policy, clock),
        _ => throw new ConfigurationException($"liveness '{spec.Source}' is not known; use none, static:FILE or kubernetes"),
    };

    private static StaticLivenessSource CreateStatic(string file)
    {
        var problems = StaticLivenessSource.Check(file);
        if (problems.Count > 0) throw new ConfigurationException(problems);
        return new StaticLivenessSource(file);
    }
}
