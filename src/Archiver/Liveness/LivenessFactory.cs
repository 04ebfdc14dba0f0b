using Archiver.Policies;

namespace Archiver.Liveness;

/// <summary>Makes the liveness source a policy names. Sources beyond the built-in ones register here.</summary>
public static class LivenessFactory
{
    public static ILivenessSource Create(LivenessSpec spec, LivenessContext context) => spec.Source switch
    {
        "none" => new NoLivenessSource(),
        "static" => CreateStatic(spec.File!),
        "kubernetes" => Kubernetes.KubernetesSetup.CreateSource(spec, context),
        _ => throw new ConfigurationException($"liveness '{spec.Source}' is not known; use none, static:FILE or kubernetes"),
    };

    private static StaticLivenessSource CreateStatic(string file)
    {
        var problems = StaticLivenessSource.Check(file);
        if (problems.Count > 0) throw new ConfigurationException(problems);
        return new StaticLivenessSource(file);
    }
}

/// <summary>What a liveness source may need from the command line or environment.</summary>
public sealed record LivenessContext(string NodeName, string? Kubeconfig = null)
{
    /// <summary>True when the node name came from --node or NODE_NAME, not from the host name.</summary>
    public bool NodeNameIsExplicit { get; init; }
}
