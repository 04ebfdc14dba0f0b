using Archiver.Liveness;
using Archiver.Liveness.Kubernetes;
using Archiver.Policies;

namespace Archiver.Composition;

/// <summary>Makes the liveness source a policy names. Sources beyond the built-in ones register here.</summary>
public static class LivenessFactory
{
    public static ILivenessSource Create(LivenessSpec spec, LivenessContext context) => spec.Source switch
    {
        "none" => new NoLivenessSource(),
        "static" => CreateStatic(spec.File!),
        "kubernetes" => KubernetesSetup.CreateSource(spec, context),
        _ => throw new ConfigurationException($"liveness '{spec.Source}' is not known; use none, static:FILE or kubernetes"),
    };

    private static StaticLivenessSource CreateStatic(string file)
    {
        var problems = StaticLivenessSource.Check(file);
        if (problems.Count > 0) throw new ConfigurationException(problems);
        return new StaticLivenessSource(file);
    }
}
