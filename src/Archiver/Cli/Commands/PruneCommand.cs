using System.Globalization;
using Archiver.Composition;
using Archiver.Hosting;
using Archiver.Journal;
using Archiver.Policies;
using Archiver.Stores;

namespace Archiver.Cli.Commands;

/// <summary><c>archiver prune</c>: retention by hand — delete this node's archives (and manifests)
/// older than <c>retention.remoteFor</c> (or <c>--older-than</c>).</summary>
public sealed class PruneCommand(TimeProvider clock) : ICommand
{
    public string Name => "prune";

    public string Summary => "delete this node's archives older than retention.remoteFor";

    public IReadOnlyList<OptionSpec> Options { get; } =
    [
        PolicyOption.WithOverrides,
        CommonOptions.Store,
        OptionSpec.Duration("--older-than", "prune archives older than this, at least 1d (default: the policy's retention.remoteFor)"),
        CommonOptions.Node,
        CommonOptions.DryRun,
    ];

    public string Notes => """
        Deletes archives and their manifests under {cluster}/{node}/ whose manifest createdAt
        (else the object's time) is older than the policy's retention.remoteFor or --older-than.
        Objects S3 Object Lock still keeps are listed as kept, not failures.
        Exit 0: done; 2: usage or configuration error.
        """;

    public async Task<int> RunAsync(IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        var a = new ArgParser(args, Options);
        if (a.Positionals.Count > 0) a.Errors.Add($"prune takes no arguments, got '{a.Positionals[0]}'");
        if (a.Get(PolicyOption.Flag) is null && a.Get("--store") is null) a.Errors.Add("name a --policy FILE or a --store URL");
        var olderThan = a.Duration("--older-than");
        if (olderThan < TimeSpan.FromDays(1)) a.Errors.Add($"--older-than: '{a.Get("--older-than")}' is under 1d; prune keeps at least a day of archives");
        a.ThrowIfErrors();

        var policy = new PolicyOption(a).Load() ?? new Policy();
        if (a.Get("--store") is { } url) policy = policy with { Store = new StoreSpec(url) };
        var remoteFor = olderThan ?? policy.RemoteFor
            ?? throw new ConfigurationException($"no retention: set retention: {{remoteFor: 180d}} in {policy.Source} or pass --older-than DUR");
        var node = SweepFlags.Node(a).Name;
        var prefix = RetentionPruner.NodePrefix(policy, node)
            ?? throw new ConfigurationException($"key template {policy.Key} does not start with a {{cluster}}/{{node}} prefix; prune only works on one node's prefix");

        var journalKeys = policy.Root.Length > 0 && Directory.Exists(policy.StateDirectory)
            ? new DirectoryJournal(policy.StateDirectory, clock).All().Select(r => r.Key).ToHashSet(StringComparer.Ordinal)
            : new HashSet<string>(StringComparer.Ordinal);
        await using var store = StoreFactory.Create(policy.Store);
        var cutoff = clock.GetUtcNow() - remoteFor;
        var dryRun = a.Has("--dry-run");
        if (!dryRun) await store.CheckSetupAsync(cancellationToken);
        var (pruned, locked) = await RetentionPruner.PruneAsync(store, prefix, cutoff, journalKeys, dryRun, cancellationToken);
        foreach (var p in pruned)
            Terminal.Out.WriteLine($"{(dryRun ? "would prune" : "pruned")} {p.Key} (created {p.CreatedAt.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture)}, {p.Size} bytes)");
        Terminal.Out.WriteLine($"{pruned.Count} object(s) {(dryRun ? "would be pruned" : "pruned")} under {store.Location.TrimEnd('/')}/{prefix} (older than {Duration.Format(remoteFor)}, before {cutoff.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture)})");
        foreach (var l in locked)
            Terminal.Out.WriteLine(l.LockedUntil is { } until
                ? $"kept {l.Key}: object lock until {until.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture)}"
                : $"kept {l.Key}: object lock legal hold");
        if (locked.Count > 0) Terminal.Out.WriteLine($"{locked.Count} object(s) kept by object lock; prune deletes them once their lock ends");
        return ExitCodes.Ok;
    }
}
