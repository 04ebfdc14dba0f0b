using System.Text.Json;
using Archiver.Archives;
using Archiver.Composition;
using Archiver.Stores;

namespace Archiver.Cli.Commands;

/// <summary><c>archiver list</c>: the archives in a store, with pod, node, size, entries and
/// creation time read from their keys and manifests.</summary>
public sealed class ListCommand(TimeProvider clock) : ICommand
{
    private static readonly JsonSerializerOptions Json = CommandsJson.Lines;

    public string Name => "list";

    public string Summary => "list archives in a store (pod, node, size, entries, created), from keys and manifests";

    public IReadOnlyList<OptionSpec> Options { get; } =
    [
        CommonOptions.Store,
        PolicyOption.Spec("look in this policy's store (when --store is not given)"),
        OptionSpec.Text("--prefix", "KEYPREFIX", "only keys that start with this"),
        OptionSpec.Text("--node", "N", "only archives made on this node (the manifest's source)"),
        OptionSpec.Text("--pod", "P", "only archives of this pod or directory name"),
        OptionSpec.Duration("--since", "only archives created in this last while, e.g. 7d"),
        CommonOptions.Json,
    ];

    public string Notes => "--store or --policy is required: it says where to look.";

    /// <summary>One archive as listed.</summary>
    public sealed record Row(string Key, string? Namespace, string? Pod, string? Node, string? Dir, long Size, long? Entries, DateTimeOffset Created, bool HasManifest);

    public async Task<int> RunAsync(IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        var a = new ArgParser(args, Options);
        if (a.Positionals.Count > 0) a.Errors.Add($"list takes no arguments, got '{a.Positionals[0]}' (use --prefix to narrow it)");
        var since = a.Duration("--since");
        var spec = new PolicyOption(a).Store();
        a.ThrowIfErrors();

        await using var store = StoreFactory.Create(spec!);
        var cutoff = since is { } t ? clock.GetUtcNow() - t : (DateTimeOffset?)null;
        var rows = new List<Row>();
        foreach (var row in await ReadRowsAsync(store, a.Get("--prefix") ?? "", cancellationToken))
        {
            if (a.Get("--node") is { } node && row.Node != node) continue;
            if (a.Get("--pod") is { } pod && row.Pod != pod && row.Dir != pod) continue;
            if (cutoff is { } c && row.Created < c) continue;
            rows.Add(row);
        }
        if (a.Has("--json"))
        {
            foreach (var r in rows) Terminal.Out.WriteLine(JsonSerializer.Serialize(r, Json));
            return ExitCodes.Ok;
        }
        var table = rows.Select(r => new[]
        {
            r.Created.UtcDateTime.ToString("yyyy-MM-dd HH:mm'Z'", System.Globalization.CultureInfo.InvariantCulture),
            r.Node ?? "-",
            r.Namespace is null ? r.Pod ?? "-" : $"{r.Namespace}/{r.Pod}",
            Terminal.Bytes(r.Size),
            r.Entries?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-",
            r.HasManifest ? r.Key : r.Key + (ArchiveKeys.IsEncrypted(r.Key) ? "  (encrypted)" : "  (no manifest)"),
        }).ToList();
        WriteTable(["CREATED", "NODE", "POD", "SIZE", "ENTRIES", "KEY"], table);
        Terminal.Out.WriteLine($"{rows.Count} archive{(rows.Count == 1 ? "" : "s")}, {Terminal.Bytes(rows.Sum(r => r.Size))} in {store.Location}");
        return ExitCodes.Ok;
    }

    /// <summary>Every archive under <paramref name="prefix"/>: objects other than manifests, described
    /// by their manifest when it is there (read a few at a time).</summary>
    public static async Task<IReadOnlyList<Row>> ReadRowsAsync(IArchiveStore store, string prefix, CancellationToken cancellationToken)
    {
        var objects = new List<StoredObject>();
        await foreach (var o in store.ListAsync(prefix, cancellationToken)) objects.Add(o);
        var keys = objects.Select(o => o.Key).ToHashSet(StringComparer.Ordinal);
        var archives = objects.Where(o => !ArchiveKeys.IsSidecar(o.Key)).ToList();
        var rows = new Row[archives.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, archives.Count), new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken }, async (i, ct) =>
        {
            var o = archives[i];
            var manifest = keys.Contains(ArchiveKeys.ManifestFor(o.Key)) ? await store.ReadManifestOrNullAsync(o.Key, ct) : null;
            rows[i] = manifest is null
                ? new Row(o.Key, null, null, null, null, o.Size, null, o.LastModified, false)
                : new Row(o.Key, manifest.Source.Namespace, manifest.Source.Pod, manifest.Source.Node, manifest.Source.Dir, o.Size, manifest.Totals.Entries, manifest.CreatedAt, true);
        });
        return rows;
    }

    private static void WriteTable(string[] header, List<string[]> rows)
    {
        var widths = header.Select((h, c) => Math.Max(h.Length, rows.Count == 0 ? 0 : rows.Max(r => r[c].Length))).ToArray();
        string Line(string[] cells) => string.Join("  ", cells.Select((v, c) => c == cells.Length - 1 ? v : v.PadRight(widths[c])));
        Terminal.Out.WriteLine(Line(header));
        foreach (var r in rows) Terminal.Out.WriteLine(Line(r));
    }
}
