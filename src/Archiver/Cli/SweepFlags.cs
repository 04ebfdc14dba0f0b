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
/// The flags of <c>sweep</c> and <c>archive</c>: a policy file plus command-line overrides, turned into
/// a ready <see cref="SweepContext"/> (built by <see cref="SweepBuilder"/>, as the daemon builds its own),
/// checking everything first: any problem is a <see cref="ConfigurationException"/> (exit 2)
/// raised before a single file is touched.
/// </summary>
public static class SweepFlags
{
    private static readonly Policy Defaults = new();

    /// <summary>The flags that build a sweep's policy (sweep; archive all but --root).</summary>
    public static readonly IReadOnlyList<OptionSpec> Options =
    [
        PolicyOption.WithOverrides,
        OptionSpec.Text("--root", "DIR", "the directory whose children are pod directories (policy field root)"),
        CommonOptions.Store,
        OptionSpec.Duration("--idle-for", $"archive only directories not written for this long (policy field idleFor, default {Duration.Format(Defaults.IdleFor)})"),
        OptionSpec.Text("--liveness", "none|static:FILE|kubernetes", $"where live pods are listed (policy field liveness, default {Defaults.Liveness})"),
        OptionSpec.Text("--state", "DIR", "the journal's directory (policy field state, default ROOT/.archiver/POLICY)"),
        CommonOptions.Node,
        CommonOptions.Kubeconfig,
        OptionSpec.Choice("--format", $"archive format (policy field format, default {Defaults.Extension.TrimStart('.')})", ArchiveFormatNames.ByName.Keys),
        OptionSpec.Overriding("--concurrency", "archives written at once", SharedFields.Concurrency),
    ];

    /// <summary>The policy file (if any) with the flags applied over it; <paramref name="root"/> is the
    /// root given on the command line (sweep's --root, archive's DIR parent), if any.</summary>
    public static Policy LoadPolicy(ArgParser args, string? root = null)
    {
        var problems = new List<PolicyProblem>();
        var policy = ApplyFlags(new PolicyOption(args).Load() ?? new Policy(), args, root, problems);
        return PolicyFiles.Checked(policy, problems);
    }

    private static Policy ApplyFlags(Policy p, ArgParser args, string? root, List<PolicyProblem> problems)
    {
        void Bad(string message) => problems.Add(new PolicyProblem("command line", 0, message));
        if (root is not null) p = p with { Root = Path.GetFullPath(root) };
        if (args.Get("--store") is { } store) p = p with { Store = new StoreSpec(store) };
        if (args.Get("--state") is { } state) p = p with { State = Path.GetFullPath(state) };
        if (args.Duration("--idle-for") is { } idle) p = p with { IdleFor = idle };
        if (args.Get("--liveness") is { } live)
        {
            // --liveness kubernetes keeps the policy's kubernetes options (scope, lease, ...).
            if (LivenessSpec.TryParse(live, out var spec, out var err)) p = p with { Liveness = spec.Source == p.Liveness.Source && spec.File is null ? p.Liveness : spec };
            else Bad($"--liveness: {err}");
        }
        if (args.Get("--format") is { } format && ArchiveFormatNames.ByName.TryGetValue(format, out var f))
            p = p.WithFormat(f);
        if (args.Int("--concurrency") is { } n) p = p with { Concurrency = n };
        return p;
    }

    /// <summary>--node, else NODE_NAME (the downward API in the DaemonSet), else the host name as a guess.</summary>
    public static NodeIdentity Node(ArgParser args) =>
        (args.Get("--node") ?? Environment.GetEnvironmentVariable("NODE_NAME")) is { Length: > 0 } named
            ? new NodeIdentity(named, IsExplicit: true)
            : new NodeIdentity(Environment.MachineName, IsExplicit: false);

    /// <summary>Builds the context; the store and liveness source are created but not contacted.</summary>
    public static SweepContext Build(Policy policy, ArgParser args, TimeProvider clock) =>
        SweepBuilder.Build(policy, new LivenessContext(Node(args), args.Get("--kubeconfig")), clock);
}
