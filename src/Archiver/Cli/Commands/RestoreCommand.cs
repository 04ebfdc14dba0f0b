using System.Globalization;
using Archiver.Archives;
using Archiver.Composition;
using Archiver.Encryption;
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
        PolicyOption.ForReading,
        OptionSpec.Text("--to", "DIR", "the directory to restore into (required)"),
        .. ArchiveChoice.Options,
        OptionSpec.Text("--path", "GLOB", "restore only entries matching GLOB inside the pod directory (logs/*.log, m/target.log; ** crosses directories; a directory brings everything under it), reading only the parts of the archive that hold them; repeatable"),
        OptionSpec.Flag("--force", "write into a non-empty DIR (entries of the same name are replaced)"),
        OptionSpec.Flag("--no-manifest", "restore an archive that has no manifest (hand-made .tar.bz2/.zip), unchecked"),
        AgeIdentityOption.Spec,
        OptionSpec.Flag("--thaw", "for an archive in GLACIER/DEEP_ARCHIVE (S3) or Archive/ColdArchive (OSS): ask for it and its manifest to be made readable, and say when"),
        OptionSpec.Text("--days", "N", "with --thaw: keep the thawed copy readable N days, 1 to 365 (default 7)"),
    ];

    public string Arguments => "KEY|--pod NAME --store URL --to DIR";

    public string Notes => """
        Entries keep their archived names, so DIR/<pod dir>/ is recreated (like tar -x -C DIR).
        Also: archiver restore KEY --store URL --thaw [--days N]
        Exit 0: restored and verified; 1: restore failed or differs from the manifest; 2: usage.
        """;

    public async Task<int> RunAsync(IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        var a = new ArgParser(args, Options);
        if (a.Has("--thaw")) return await ThawAsync(a, cancellationToken);
        if (a.Get("--days") is not null) a.Errors.Add("--days goes with --thaw");
        if (a.Positionals.Count > 1) a.Errors.Add("restore takes one archive KEY, or --pod NAME");
        var at = ArchiveChoice.Check(a, "restore", a.Positionals.FirstOrDefault());
        if (a.Get("--to") is null) a.Errors.Add("--to DIR is required: the directory to restore into");
        var paths = a.GetAll("--path");
        if (paths.Count > 0 && a.Has("--no-manifest")) a.Errors.Add("--path needs the manifest (it says where each entry is); drop --no-manifest");
        a.ThrowIfErrors();

        var policy = new PolicyOption(a);
        var spec = policy.Store();
        a.ThrowIfErrors();

        var target = Path.GetFullPath(a.Get("--to")!);
        CheckTarget(target, a.Has("--force"));
        var identities = AgeIdentityOption.Load(a, policy);
        return await AgeIdentityOption.RunAsync(() => RestoreAsync(a, spec!, at, paths, target, identities, cancellationToken));
    }

    private async Task<int> RestoreAsync(ArgParser a, StoreSpec spec, DateTimeOffset? at, IReadOnlyList<string> paths, string target, IReadOnlyList<AgeIdentity>? identities, CancellationToken cancellationToken)
    {
        await using var store = StoreFactory.Create(spec);
        var (key, manifest) = await ArchiveChoice.ResolveAsync(a, a.Positionals.FirstOrDefault(), at, store, clock, a.Has("--no-manifest"), identities, cancellationToken);
        if (paths.Count > 0)
        {
            var chosen = EntrySelection.Matching(manifest!, paths);
            if (chosen.Count == 0)
            {
                Terminal.Error.WriteLine($"error: nothing in {key} matches {string.Join(", ", paths.Select(p => $"--path {p}"))}; paths are inside the pod directory. Nearest: {string.Join(", ", EntrySelection.Nearest(manifest!, paths))}");
                return ExitCodes.SomeFailed;
            }
            Directory.CreateDirectory(target);
            return Render(await SelectiveRestorer.RunAsync(store, key, manifest!, chosen, target, Native.GetEuid() == 0, identities, cancellationToken));
        }
        Directory.CreateDirectory(target);
        var progress = ProgressLine.ForStderr(json: false, clock);
        progress?.Expect(key, manifest?.Archive.Size ?? (await store.StatAsync(key, cancellationToken))?.Size ?? 0);
        var report = await Restorer.RunAsync(store, key, manifest, target, Native.GetEuid() == 0, cancellationToken, identities, progress is null ? null : n => progress.Add(key, n));
        progress?.End();
        return Render(report);
    }

    /// <summary><c>--thaw</c>: RestoreObject for the archive and its manifest, and where each stands.</summary>
    private async Task<int> ThawAsync(ArgParser a, CancellationToken cancellationToken)
    {
        if (a.Positionals.Count != 1) a.Errors.Add("--thaw takes one archive KEY");
        if (a.Get("--store") is null) a.Errors.Add("--store URL is required (e.g. --store s3://bucket/prefix)");
        if ((a.Get("--to") ?? a.Get("--pod")) is not null) a.Errors.Add("--thaw only asks for a thaw; run the restore with --to once the archive is readable");
        var days = ThawStatus.DefaultDays;
        if (a.Get("--days") is { } d && (!int.TryParse(d, NumberStyles.None, CultureInfo.InvariantCulture, out days) || days < 1 || days > 365))
            a.Errors.Add($"--days '{d}' must be a whole number of days from 1 to 365");
        a.ThrowIfErrors();

        await using var store = StoreFactory.Create(new StoreSpec(a.Get("--store")!));
        var key = a.Positionals[0];
        var keys = new List<string> { key };
        if (await store.StatAsync(Archives.ArchiveKeys.ManifestFor(key), cancellationToken) is not null) keys.Add(Archives.ArchiveKeys.ManifestFor(key));
        foreach (var k in keys)
        {
            var s = await store.ThawAsync(k, days, cancellationToken);
            Terminal.Out.WriteLine(s.State switch
            {
                ThawState.Requested => $"thaw requested: {k} ({s.StorageClass}) is readable in about {s.Estimate} (Standard tier), for {days} day(s); run this again to see how it stands",
                ThawState.InProgress => $"thaw under way: {k} ({s.StorageClass}) is readable {s.Estimate} after the thaw was asked for (Standard tier); run this again to check",
                ThawState.Readable => $"thawed: {k} is readable{(s.ReadableUntil is { } u ? $" until {u.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture)}" : "")}; restore it now",
                _ => $"readable: {k} is in {s.StorageClass ?? "a readable storage class"}; nothing to thaw",
            });
        }
        return ExitCodes.Ok;
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
        foreach (var w in r.Warnings) e.WriteLine($"warning: {w}");
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
        if (r.Partial is { } p)
        {
            o.WriteLine($"restored {written} of {r.Key} to {r.Target}; read {Terminal.Bytes(p.BytesFetched)} of the archive in {p.Reads} {(p.Indexed ? "range read(s)" : "stream (the archive has no index)")}; verified against the manifest");
            return ExitCodes.Ok;
        }
        o.WriteLine(r.Check is null
            ? $"restored {r.Key} to {r.Target}: {written}; NOT verified (no manifest), archive sha256 {r.ArchiveSha256}"
            : $"restored {r.Key} to {r.Target}: {written}; verified against the manifest (archive sha256 {r.ArchiveSha256})");
        return ExitCodes.Ok;
    }
}
