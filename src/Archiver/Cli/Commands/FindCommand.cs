using System.Globalization;
using System.Text.Json;
using Archiver.Composition;
using Archiver.Layouts;
using Archiver.Policies;
using Archiver.Restore;

namespace Archiver.Cli.Commands;

/// <summary><c>archiver find GLOB</c>: which archives hold files matching a glob, from their
/// manifests; keys outside --node, --pod and the time range are dropped before any manifest is read.</summary>
public sealed class FindCommand(TimeProvider clock) : ICommand
{
    private static readonly JsonSerializerOptions Json = CommandsJson.Lines;

    public string Name => "find";

    public string Summary => "find archived files by glob across many archives (key, path, size, mtime), from manifests";

    public IReadOnlyList<OptionSpec> Options { get; } =
    [
        CommonOptions.Store,
        PolicyOption.Spec("read key times with this policy's key template, search its store when --store is not given, and decrypt with its encryption.age.identityFile"),
        OptionSpec.Text("--pod", "P", "only archives of this pod"),
        OptionSpec.Text("--node", "N", "only archives made on this node"),
        OptionSpec.Text("--since", "DUR", "only archives whose key time is within this last while, e.g. 7d (read from the key, before any manifest)"),
        OptionSpec.Text("--until", "TIME", "only archives whose key time is at or before TIME (ISO 8601)"),
        CommonOptions.Json,
        AgeIdentityOption.Spec,
    ];

    public string Arguments => "GLOB... --store URL|--policy FILE";

    public string Notes => """
        GLOB matches paths inside the pod directory: *.log at any depth, logs/** under logs/.
        --since 7d and --until 2026-11-20T08:00:00Z select archives by the time in their key (read
        with the policy's key template, or the default one), before any manifest is read.
        Prints KEY, PATH, SIZE, MTIME separated by tabs (PATH is what `archiver cat KEY PATH` takes);
        --json prints one object per matching file.
        Encrypted archives (.age) are searched with an identity (--identity FILE); without one, the
        plain archives are searched and the encrypted ones in range are counted as not searched.
        Exit 0: searched every manifest in range (matches or not); 1: some manifests could not be read,
        or encrypted ones could not be opened for want of an identity; 2: usage.
        """;

    /// <summary>One matching file, as <c>--json</c> prints it.</summary>
    /// <summary>A match in --json output; <see cref="Path"/> in the manifest's form (<see cref="Archives.FileNameJsonConverter"/>).</summary>
    public sealed record Match(string Key, [property: System.Text.Json.Serialization.JsonConverter(typeof(Archives.FileNameJsonConverter))] string Path, string Type, long Size, DateTimeOffset Mtime, string? Sha256, string? Namespace, string? Pod, string Node, DateTimeOffset Created);

    public async Task<int> RunAsync(IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        var a = new ArgParser(args, Options);
        if (a.Positionals.Count == 0) a.Errors.Add("find takes a GLOB (e.g. '*.log' or 'logs/**'); quote it so the shell does not expand it");
        DateTimeOffset? since = null;
        if (a.Get("--since") is { } s)
        {
            if (Duration.TryParse(s, out var d, out var err)) since = clock.GetUtcNow() - d;
            else a.Errors.Add($"--since: {err}");
        }
        var until = ArchiveChoice.Time(a, "--until");
        var policy = new PolicyOption(a);
        var template = policy.Load()?.Key;
        var spec = policy.Store();
        a.ThrowIfErrors();
        var identities = AgeIdentityOption.Load(a, policy);

        await using var store = StoreFactory.Create(spec!);
        var query = new FindQuery(a.Positionals, new KeyPattern(template ?? Policy.DefaultKey), a.Get("--pod"), a.Get("--node"), since, until);
        var tally = new FindTally();
        var json = a.Has("--json");
        int files = 0, archives = 0;
        if (!json) Terminal.Out.WriteLine("KEY\tPATH\tSIZE\tMTIME");
        await foreach (var found in EntryFinder.FindAsync(store, query, tally, identities, cancellationToken))
        {
            archives++;
            foreach (var e in found.Entries)
            {
                files++;
                var path = EntrySelection.Inside(e.Path) + (e.Type == "dir" ? "/" : "");
                Terminal.Out.WriteLine(json
                    ? JsonSerializer.Serialize(new Match(found.Key, path, e.Type, e.Size, e.Mtime, e.Sha256, found.Source.Namespace, found.Source.Pod, EntryFinder.NodeOf(found.Source), found.CreatedAt), Json)
                    : $"{found.Key}\t{FileSystem.FileName.Printable(path)}\t{Terminal.Bytes(e.Size)}\t{e.Mtime.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)}");
            }
        }
        foreach (var problem in tally.Unreadable) Terminal.Error.WriteLine($"error: {problem}; that archive was not searched (check it with archiver verify KEY)");
        if (tally.Encrypted > 0) Terminal.Error.WriteLine($"error: {AgeIdentityOption.NotSearched(tally.Encrypted)}");
        if (!json)
            Terminal.Error.WriteLine($"{files} matching entr{(files == 1 ? "y" : "ies")} in {archives} archive{(archives == 1 ? "" : "s")}; read {tally.Read} of {tally.Manifests} manifests ({tally.SkippedByKey} ruled out by key) in {store.Location}");
        return tally.Unreadable.Count > 0 || tally.Encrypted > 0 ? ExitCodes.SomeFailed : ExitCodes.Ok;
    }
}
