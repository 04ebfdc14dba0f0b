using Archiver.Policies;

namespace Archiver.Liveness;

/// <summary>Makes the liveness source a policy names. Sources beyond the built-in ones register here.</summary>
public static class LivenessFactory
{
    /// <summary>Creates a source for <c>kubernetes</c>; registered by the Kubernetes liveness code.</summary>
    public static Func<LivenessSpec, LivenessContext, ILivenessSource>? Kubernetes { get; set; }

    public static ILivenessSource Create(LivenessSpec spec, LivenessContext context) => spec.Source switch
    {
        "none" => new NoLivenessSource(),
        "static" => CreateStatic(spec.File!),
        "kubernetes" when Kubernetes is not null => Kubernetes(spec, context),
        "kubernetes" => throw new ConfigurationException("liveness kubernetes is not available in this build; use --liveness static:FILE or none"),
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
public sealed record LivenessContext(string NodeName, string? Kubeconfig = null);
