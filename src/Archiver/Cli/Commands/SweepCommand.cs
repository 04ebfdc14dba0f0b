using Archiver.Pipeline;

namespace Archiver.Cli.Commands;

/// <summary><c>archiver sweep</c>: one sweep of one policy, now.</summary>
public sealed class SweepCommand(TimeProvider clock) : ICommand
{
    public string Name => "sweep";

    public string Summary => "archive and delete every eligible directory of one policy, once";

    public IReadOnlyList<OptionSpec> Options { get; } = [.. SweepFlags.Options, CommonOptions.DryRun, CommonOptions.Json];

    public string Notes => """
        Flags override the policy file's fields. Exit 0: every directory handled;
        1: some directory failed; 2: usage or configuration error (nothing touched).
        """;

    public async Task<int> RunAsync(IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        var a = new ArgParser(args, Options);
        if (a.Positionals.Count > 0) a.Errors.Add($"sweep takes no arguments, got '{a.Positionals[0]}' (did you mean archiver archive DIR?)");
        a.ThrowIfErrors();
        var policy = SweepFlags.LoadPolicy(a, a.Get("--root"));
        var ctx = SweepFlags.Build(policy, a, clock);
        var candidates = Discovery.Discover(policy.Root, policy.StateDirectory);
        return await SweepPrinter.RunAsync(ctx, candidates, force: false, a.Has("--dry-run"), a.Has("--json"), cancellationToken);
    }
}
