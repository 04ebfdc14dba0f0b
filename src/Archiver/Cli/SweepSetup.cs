using Archiver.Archives;
using Archiver.Composition;
using Archiver.Journal;
using Archiver.Layouts;
using Archiver.Liveness;
using Archiver.Pipeline;
using Archiver.Policies;
using Archiver.Stores;

namespace Archiver.Cli;

/// <summary>
/// Turns a policy file plus command-line overrides into a ready <see cref="SweepContext"/> (built by
/// <see cref="SweepBuilder"/>, as the daemon builds its own),
/// checking everything first: any problem is a <see cref="ConfigurationException"/> (exit 2)
/// raised before a single file is touched.
/// </summary>
public static class SweepSetup
{
    public static readonly string[] ValueOptions =
        ["--policy", "--root", "--store", "--idle-for", "--liveness", "--state", "--node", "--kubeconfig", "--format", "--concurrency", "--log-level"];

    public static Policy LoadPolicy(ArgParser args)
    {
        var problems = new List<PolicyProblem>();
        var policy = new Policy();
        if (args.Get("--policy") is { } file)
        {
            policy = PolicyLoader.LoadFile(file, problems, StoreFactory.Validate) ?? policy;
            if (problems.Any(p => !p.IsWarning)) throw new ConfigurationException(problems.Where(p => !p.IsWarning).ToList());
            problems.Clear();
        }
        policy = ApplyFlags(policy, args, problems);
        PolicyValidator.Validate(policy, problems, StoreFactory.Validate);
        PolicyValidator.ThrowIfErrors(problems);
        return policy;
    }

    private static Policy ApplyFlags(Policy p, ArgParser args, List<PolicyProblem> problems)
    {
        void Bad(string message) => problems.Add(new PolicyProblem("command line", 0, message));
        if (args.Get("--root") is { } root) p = p with { Root = Path.GetFullPath(root) };
        if (args.Get("--store") is { } store) p = p with { Store = new StoreSpec(store) };
        if (args.Get("--state") is { } state) p = p with { State = Path.GetFullPath(state) };
        if (args.Get("--idle-for") is { } idle)
        {
            if (Duration.TryParse(idle, out var t, out var err)) p = p with { IdleFor = t };
            else Bad($"--idle-for: {err}");
        }
        if (args.Get("--liveness") is { } live)
        {
            // --liveness kubernetes keeps the policy's kubernetes options (scope, lease, ...).
            if (LivenessSpec.TryParse(live, out var spec, out var err)) p = p with { Liveness = spec.Source == p.Liveness.Source && spec.File is null ? p.Liveness : spec };
            else Bad($"--liveness: {err}");
        }
        if (args.Get("--format") is { } format)
        {
            if (PolicyLoader.FormatNames.TryGetValue(format, out var f))
                p = p with { Format = f, Key = p.Key == Policy.DefaultKey || p.Key.EndsWith(p.Extension, StringComparison.Ordinal) ? p.Key[..^p.Extension.Length] + (f == ArchiveFormat.TarZst ? ".tar.zst" : ".tar.gz") : p.Key };
            else Bad($"--format: '{format}' is not tar.gz or tar.zst");
        }
        if (args.Get("--concurrency") is { } conc)
        {
            if (int.TryParse(conc, out var n) && n is >= 1 and <= 64) p = p with { Concurrency = n };
            else Bad($"--concurrency: '{conc}' must be a whole number from 1 to 64");
        }
        return p;
    }

    /// <summary>--node, else NODE_NAME (the downward API in the DaemonSet), else the host name as a guess.</summary>
    public static NodeIdentity Node(ArgParser args) =>
        (args.Get("--node") ?? Environment.GetEnvironmentVariable("NODE_NAME")) is { Length: > 0 } named
            ? new NodeIdentity(named, IsExplicit: true)
            : new NodeIdentity(Environment.MachineName, IsExplicit: false);

    /// <summary>Builds the context; the store and liveness source are created but not contacted.</summary>
    public static SweepContext Build(Policy policy, ArgParser args, TimeProvider clock) =>
        SweepBuilder.Build(policy, Node(args), args.Get("--kubeconfig"), clock);
}
