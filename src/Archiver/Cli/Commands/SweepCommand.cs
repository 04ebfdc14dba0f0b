using Archiver.Pipeline;

namespace Archiver.Cli.Commands;

/// <summary><c>archiver sweep</c>: one sweep of one policy, now.</summary>
public sealed class SweepCommand(TimeProvider clock) : ICommand
{
    public string Name => "sweep";

    public string Summary => "archive and delete every eligible directory of one policy, once";

    public string Usage => """
        archiver sweep [--policy FILE] [--root DIR] [--store URL] [--idle-for DUR]
                       [--liveness none|static:FILE|kubernetes] [--state DIR] [--node NAME]
                       [--kubeconfig FILE]
                       [--format tar.gz|tar.zst] [--concurrency N] [--dry-run] [--json]
          Flags override the policy file's fields. Exit 0: every directory handled;
          1: some directory failed; 2: usage or configuration error (nothing touched).
        """;

    public async Task<int> RunAsync(IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        var a = new ArgParser(args, SweepSetup.ValueOptions, ["--dry-run", "--json", "-v"]);
        if (a.Positionals.Count > 0) a.Errors.Add($"sweep takes no arguments, got '{a.Positionals[0]}' (did you mean archiver archive DIR?)");
        if (a.Errors.Count > 0) throw new UsageException(a.Errors, Usage);
        var policy = SweepSetup.LoadPolicy(a);
        var ctx = SweepSetup.Build(policy, a, clock);
        var candidates = Discovery.Discover(policy.Root, policy.StateDirectory);
        return await SweepExecution.RunAsync(ctx, candidates, force: false, a.Has("--dry-run"), a.Has("--json"), cancellationToken);
    }
}
