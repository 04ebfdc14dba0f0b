using System.Globalization;
using Archiver.Archives;
using Archiver.Composition;
using Archiver.FileSystem;
using Archiver.Policies;
using Archiver.Restore;
using Archiver.Stores;

namespace Archiver.Cli.Commands;

/// <summary><c>archiver restore KEY|--pod NAME --store URL --to DIR</c>: stream an archive back into
/// a directory, checked against its manifest.</summary>
public sealed class RestoreCommand(TimeProvider clock) : ICommand
{
    public string Name => "restore";

    public string Summary => "restore an archive (by key, or a pod's newest) into an empty directory, checked against its manifest";

    public IReadOnlyList<OptionSpec> Options { get; } =
    [
        CommonOptions.Store,
        OptionSpec.Text("--to", "DIR", "the directory to restore into (required)"),
        OptionSpec.Text("--pod", "NAME", "restore this pod's newest archive instead of a KEY"),
        OptionSpec.Text("--namespace", "NS", "with --pod: the pod's namespace"),
        OptionSpec.Text("--node", "N", "with --pod: archives made on this node"),
        OptionSpec.Text("--at", "TIME", "with --pod: the newest archive made at or before TIME (ISO 8601, e.g. 2026-11-20T08:00:00Z)"),
        OptionSpec.Flag("--force", "write into a non-empty DIR (entries of the same name are replaced)"),
        OptionSpec.Flag("--no-manifest", "restore an archive that has no manifest (hand-made .tar.bz2/.zip), unchecked"),
    ];

    public string Arguments => "KEY|--pod NAME --store URL --to DIR";

    public string Notes => """
        Entries keep their archived names, so DIR/<pod dir>/ is recreated (like tar -x -C DIR).
        Exit 0: restored and verified; 1: restore failed or differs from the manifest; 2: usage.
        """;

    public async Task<int> RunAsync(IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        var a = new ArgParser(args, Options);
        var pod = a.Get("--pod");
        if (pod is null && a.Positionals.Count != 1) a.Errors.Add("restore takes one archive KEY, or --pod NAME");
        if (pod is not null && a.Positionals.Count > 0) a.Errors.Add("give either a KEY or --pod, not both");
        if (pod is null && (a.Get("--namespace") ?? a.Get("--node") ?? a.Get("--at")) is not null) a.Errors.Add("--namespace, --node and --at select by pod; they need --pod");
        if (a.Get("--store") is null) a.Errors.Add("--store URL is required (e.g. --store s3://bucket/prefix)");
        if (a.Get("--to") is null) a.Errors.Add("--to DIR is required: the directory to restore into");
        DateTimeOffset? at = null;
        if (a.Get("--at") is { } atText)
        {
            if (DateTimeOffset.TryParse(atText, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed)
                || DateTimeOffset.TryParseExact(atText, "yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out parsed))
                at = parsed;
            else
                a.Errors.Add($"--at '{atText}' is not a time; use ISO 8601 like 2026-11-20T08:00:00Z");
        }
        a.ThrowIfErrors();

        var target = Path.GetFullPath(a.Get("--to")!);
        CheckTarget(target, a.Has("--force"));
        await using var store = StoreFactory.Create(new StoreSpec(a.Get("--store")!));
        string key;
        Archives.ArchiveManifest? manifest;
        if (pod is not null)
        {
            (key, manifest) = await ArchiveLocator.FindAsync(store, new PodQuery(pod, a.Get("--namespace"), a.Get("--node"), at ?? clock.GetUtcNow()), cancellationToken);
            Terminal.Error.WriteLine($"restoring {key} (archived {manifest.CreatedAt:yyyy-MM-ddTHH:mm:ssZ} from node {manifest.Source.Node})");
        }
        else
        {
            key = a.Positionals[0];
            if (await store.StatAsync(key, cancellationToken) is null)
                throw new ConfigurationException($"no archive {key} in {store.Location}; check the key (keys are relative to the store URL)");
            manifest = a.Has("--no-manifest") ? null : await Restorer.ReadManifestAsync(store, key, cancellationToken);
            if (manifest is null && !a.Has("--no-manifest"))
                throw new ConfigurationException($"no manifest {Archives.ArchiveManifest.KeyFor(key)} beside {key}, so the restore could not be checked; pass --no-manifest to restore it unchecked (hand-made archives have none)");
        }
        if (!ArchiveFormats.IsArchiveKey(key))
            throw new ConfigurationException($"cannot tell the format of {key} from its name; archives end in {string.Join(", ", ArchiveFormats.Known)}");

        Directory.CreateDirectory(target);
        var report = await Restorer.RunAsync(store, key, manifest, target, Native.GetEuid() == 0, cancellationToken);
        return Render(report);
    }

    private static void CheckTarget(string target, bool force)
    {
        var st = FileSystem.FileStatus.TryGet(target);
        if (st is null) return;
        if (!st.IsDirectory) throw new ConfigurationException($"--to {target} is a {st.Type.ToString().ToLowerInvariant()}, not a directory");
        if (!force && Directory.EnumerateFileSystemEntries(target).Any())
            throw new ConfigurationException($"--to {target} is not empty; restore into an empty or new directory, or pass --force to write into it (entries with the same names are replaced)");
    }

    private static int Render(RestoreReport r)
    {
        var o = Terminal.Out;
        var e = Terminal.Error;
        foreach (var s in r.Skipped) e.WriteLine($"skipped: {s}");
        var written = $"{r.Entries} entries ({r.Files} files, {Terminal.Bytes(r.Bytes)})";
        if (r.Failure is not null)
        {
            e.WriteLine($"error: restore of {r.Key} stopped: {r.Failure.Message}");
            e.WriteLine($"written under {r.Target}: {written}{(r.LastWritten is null ? "" : $"; the last was {UnsafeEntryException.Printable(r.LastWritten)}")}.");
            e.WriteLine(r.FailedEntry is null
                ? "not written: the rest of the archive (it could not be read further)."
                : $"not written: '{UnsafeEntryException.Printable(r.FailedEntry)}' and every entry after it in the archive.");
            if (r.Check is { Unseen: > 0 } c) e.WriteLine($"the manifest lists {c.Unseen} entries that were not restored.");
            e.WriteLine("Nothing was written outside the target. Directory modes and times were applied to what was written.");
            return ExitCodes.SomeFailed;
        }
        if (r.Check is { MismatchCount: > 0 } check)
        {
            foreach (var m in check.Mismatches) e.WriteLine($"mismatch: {m}");
            if (check.MismatchCount > check.Mismatches.Count) e.WriteLine($"... and {check.MismatchCount - check.Mismatches.Count} more");
            e.WriteLine($"error: {r.Key} restored to {r.Target} ({written}) but {check.MismatchCount} thing(s) differ from its manifest; do not trust the entries listed above.");
            return ExitCodes.SomeFailed;
        }
        o.WriteLine(r.Check is null
            ? $"restored {r.Key} to {r.Target}: {written}; NOT verified (no manifest), archive sha256 {r.ArchiveSha256}"
            : $"restored {r.Key} to {r.Target}: {written}; verified against the manifest (archive sha256 {r.ArchiveSha256})");
        return ExitCodes.Ok;
    }
}
