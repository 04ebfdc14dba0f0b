using Archiver.Archives;
using Archiver.Encryption;
using Archiver.Stores;
using Serilog;

namespace Archiver.Restore;

/// <summary>
/// Restores chosen entries of an archive (<c>restore --path</c>), reading only what holds them (see
/// <see cref="EntryReader"/>). Directories and symlinks come from the manifest, which records their
/// metadata; files are read from the archive and their SHA-256 checked against the manifest. The
/// directories above a chosen entry get their archived modes and times, as in a full restore. A
/// hard link whose target was not chosen is restored as a copy of the target's content.
/// </summary>
public static class SelectiveRestorer
{
    private static readonly ILogger Log = Serilog.Log.ForContext(typeof(SelectiveRestorer));

    public static async Task<RestoreReport> RunAsync(IArchiveStore store, string key, ArchiveManifest manifest, IReadOnlyList<ManifestEntry> chosen, string target, bool restoreOwner,
        IReadOnlyList<AgeIdentity>? identities, CancellationToken cancellationToken)
    {
        var report = new RestoreReport { Key = key, Target = target, Check = new ManifestCheck(manifest with { Entries = [.. chosen] }) };
        var byPath = manifest.Entries.GroupBy(e => e.Path.TrimEnd('/'), StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Last(), StringComparer.Ordinal);
        using var extractor = new SafeExtractor(target, restoreOwner);
        try
        {
            foreach (var dir in Ancestors(chosen, byPath)) extractor.Extract(ItemOf(dir), EntryPath.Components(dir.Path));
            var toRead = new List<ManifestEntry>();
            var copiesOf = new Dictionary<string, List<ManifestEntry>>(StringComparer.Ordinal);
            var chosenPaths = chosen.Select(e => e.Path.TrimEnd('/')).ToHashSet(StringComparer.Ordinal);
            foreach (var e in chosen)
            {
                if (e.Type is "dir" or "symlink") Write(report, extractor, e, ItemOf(e), null);
                else if (e.Type == "hardlink" && e.LinkTarget is { } t && !chosenPaths.Contains(t) && byPath.TryGetValue(t, out var source))
                {
                    if (!copiesOf.TryGetValue(t, out var list))
                    {
                        toRead.Add(source);
                        copiesOf[t] = list = [];
                    }
                    list.Add(e);
                }
                else toRead.Add(e);
            }
            report.Partial = await EntryReader.ReadAsync(store, key, manifest, toRead, (entry, item) =>
            {
                report.FailedEntry = entry.Path;
                if (copiesOf.TryGetValue(entry.Path.TrimEnd('/'), out var copies))
                {
                    // The first copy gets the content; later links to the same target link to it.
                    var first = copies[0];
                    var written = extractor.Extract(item with { Name = first.Path, Kind = ItemKind.File }, EntryPath.Components(first.Path));
                    Count(report, first, written);
                    if (written is { } w) report.Check!.Content(first.Path, first, w);
                    foreach (var more in copies.Skip(1)) Write(report, extractor, more, ItemOf(more) with { LinkTarget = first.Path }, null);
                }
                else
                {
                    Write(report, extractor, entry, item, item);
                }
                report.FailedEntry = null;
            }, identities, cancellationToken);
            extractor.Finish();
            Log.Information("Restored {Entries} chosen entries of {Key} to {Target}, reading {Fetched} bytes in {Reads} reads", report.Entries, key, target, report.Partial.BytesFetched, report.Partial.Reads);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            report.Failure = e;
            Log.Error("Restore of chosen entries of {Key} to {Target} stopped after {Entries} entries: {Reason}", key, target, report.Entries, e.Message);
            try
            {
                extractor.Finish();
            }
            catch (IOException)
            {
            }
        }
        return report;
    }

    private static void Write(RestoreReport report, SafeExtractor extractor, ManifestEntry entry, ArchiveItem item, ArchiveItem? read)
    {
        var path = entry.Path.TrimEnd('/');
        var written = extractor.Extract(item, EntryPath.Components(path));
        Count(report, entry, written);
        report.Check!.Entry(read ?? item, path, written);
    }

    private static void Count(RestoreReport report, ManifestEntry entry, (string Sha256, long Size)? written)
    {
        report.Entries++;
        report.LastWritten = entry.Path;
        if (written is { } w)
        {
            report.Files++;
            report.Bytes += w.Size;
        }
    }

    /// <summary>The manifest's directories above the chosen entries, outermost first.</summary>
    private static IEnumerable<ManifestEntry> Ancestors(IEnumerable<ManifestEntry> chosen, Dictionary<string, ManifestEntry> byPath)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var e in chosen)
        {
            var parts = e.Path.TrimEnd('/').Split('/');
            for (var i = 1; i < parts.Length; i++)
            {
                var dir = string.Join('/', parts[..i]);
                if (seen.Add(dir) && byPath.TryGetValue(dir, out var d) && d.Type == "dir") yield return d;
            }
        }
    }

    /// <summary>An entry as the manifest records it, for what needs no bytes from the archive.</summary>
    public static ArchiveItem ItemOf(ManifestEntry e) => new(
        e.Path,
        e.Type switch { "dir" => ItemKind.Directory, "symlink" => ItemKind.Symlink, "hardlink" => ItemKind.HardLink, _ => ItemKind.File },
        (UnixFileMode)Convert.ToInt32(e.Mode, 8),
        e.Uid,
        e.Gid,
        e.Mtime,
        e.Type == "file" ? e.Size : 0,
        e.LinkTarget);
}
