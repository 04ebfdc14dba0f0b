using Archiver.FileSystem;
using Archiver.Pipeline;
using Archiver.Policies;

namespace Archiver.Cli.Commands;

/// <summary><c>archiver archive DIR</c>: archive one directory now, with the same checks as a sweep.</summary>
public sealed class ArchiveCommand(TimeProvider clock) : ICommand
{
    public string Name => "archive";

    public string Summary => "archive (and delete) one directory now; refuses a live or recently written one unless --force";

    public IReadOnlyList<OptionSpec> Options { get; } =
    [
        .. SweepFlags.Options.Where(o => o.Name != "--root"),
        OptionSpec.Flag("--force", "archive even when the pod is live or the directory was written recently (never across file systems)"),
        CommonOptions.DryRun,
        CommonOptions.Json,
    ];

    public string Arguments => "DIR";

    public string Notes => "DIR's parent is the root unless a policy says otherwise.";

    public async Task<int> RunAsync(IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        var a = new ArgParser(args, Options);
        if (a.Positionals.Count != 1) a.Errors.Add("archive takes exactly one directory, e.g. archiver archive /data/web-0 --store file:///var/archive");
        a.ThrowIfErrors();

        var dir = Path.GetFullPath(a.Positionals[0]).TrimEnd('/');
        var status = FileStatus.TryGet(dir);
        if (status is null) throw new ConfigurationException($"{dir} does not exist");
        if (!status.IsDirectory) throw new ConfigurationException($"{dir} is a {status.Type.ToString().ToLowerInvariant()}, not a directory; archive takes a pod directory");
        var parent = Path.GetDirectoryName(dir)!;
        // Without a policy the root is DIR's parent; with one, the policy's root stands.
        var policy = SweepFlags.LoadPolicy(a, a.Get(PolicyOption.Flag) is null ? parent : null);
        if (Path.GetFullPath(policy.Root).TrimEnd('/') != parent)
            throw new ConfigurationException($"{dir} is not directly under the policy's root {policy.Root}");
        var ctx = SweepFlags.Build(policy, a, clock);
        var candidate = new Candidate(Path.GetFileName(dir), dir, status);
        var code = await SweepPrinter.RunAsync(ctx, [candidate], a.Has("--force"), a.Has("--dry-run"), a.Has("--json"), cancellationToken, refuseSkips: true);
        return code;
    }
}
