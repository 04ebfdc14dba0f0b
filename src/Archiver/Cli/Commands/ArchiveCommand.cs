using Archiver.FileSystem;
using Archiver.Pipeline;
using Archiver.Policies;

namespace Archiver.Cli.Commands;

/// <summary><c>archiver archive DIR</c>: archive one directory now, with the same checks as a sweep.</summary>
public sealed class ArchiveCommand(TimeProvider clock) : ICommand
{
    public string Name => "archive";

    public string Summary => "archive (and delete) one directory now; refuses a live or recently written one unless --force";

    public string Usage => """
        archiver archive DIR [--store URL] [--policy FILE] [--liveness none|static:FILE|kubernetes]
                             [--idle-for DUR] [--state DIR] [--force] [--dry-run] [--json]
          DIR's parent is the root unless a policy says otherwise. --force archives even when
          the pod is live or the directory was written recently (never across file systems).
        """;

    public async Task<int> RunAsync(IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        var a = new ArgParser(args, SweepSetup.ValueOptions, ["--force", "--dry-run", "--json", "-v"]);
        if (a.Positionals.Count != 1) a.Errors.Add("archive takes exactly one directory, e.g. archiver archive /data/web-0 --store file:///var/archive");
        if (a.Get("--root") is not null) a.Errors.Add("archive takes the root from DIR's parent (or --policy); --root is for sweep");
        if (a.Errors.Count > 0) throw new UsageException(a.Errors, Usage);

        var dir = Path.GetFullPath(a.Positionals[0]).TrimEnd('/');
        var status = FileStatus.TryGet(dir);
        if (status is null) throw new ConfigurationException($"{dir} does not exist");
        if (!status.IsDirectory) throw new ConfigurationException($"{dir} is a {status.Type.ToString().ToLowerInvariant()}, not a directory; archive takes a pod directory");
        var parent = Path.GetDirectoryName(dir)!;
        var policy = SweepSetup.LoadPolicy(WithRoot(a, args, parent));
        if (Path.GetFullPath(policy.Root).TrimEnd('/') != parent)
            throw new ConfigurationException($"{dir} is not directly under the policy's root {policy.Root}");
        var ctx = SweepSetup.Build(policy, a, clock);
        var candidate = new Candidate(Path.GetFileName(dir), dir, status);
        var code = await SweepExecution.RunAsync(ctx, [candidate], a.Has("--force"), a.Has("--dry-run"), a.Has("--json"), cancellationToken, refuseSkips: true);
        return code;
    }

    /// <summary>Without a policy the root is DIR's parent; with one, the policy's root stands.</summary>
    private static ArgParser WithRoot(ArgParser a, IReadOnlyList<string> args, string parent) =>
        a.Get("--policy") is null
            ? new ArgParser(args.Concat(["--root", parent]), SweepSetup.ValueOptions, ["--force", "--dry-run", "--json", "-v"])
            : a;
}
