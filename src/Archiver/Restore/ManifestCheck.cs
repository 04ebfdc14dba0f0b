using Archiver.Archives;

namespace Archiver.Restore;

/// <summary>
/// Compares what a restore wrote with the archive's manifest: every entry's type, size, mode and
/// link target, every file's SHA-256, entries the manifest lists that the archive lacks (and the
/// reverse), and at the end the stored archive's own size and SHA-256.
/// </summary>
public sealed class ManifestCheck(ArchiveManifest manifest)
{
    private const int MaxListed = 50;
    private readonly Dictionary<string, ManifestEntry> _pending = manifest.Entries
        .GroupBy(e => e.Path.TrimEnd('/'), StringComparer.Ordinal)
        .ToDictionary(g => g.Key, g => g.Last(), StringComparer.Ordinal);

    public List<string> Mismatches { get; } = [];

    public int MismatchCount { get; private set; }

    public ArchiveManifest Manifest => manifest;

    public void Entry(ArchiveItem item, string path, (string Sha256, long Size)? written)
    {
        if (!_pending.Remove(path, out var m))
        {
            Add($"{Printable(path)}: in the archive but not in the manifest");
            return;
        }
        var type = item.Kind switch
        {
            ItemKind.File => "file",
            ItemKind.Directory => "dir",
            ItemKind.Symlink => "symlink",
            ItemKind.HardLink => "hardlink",
            _ => "unsupported",
        };
        if (type != m.Type)
        {
            Add($"{Printable(path)}: is a {type} in the archive, a {m.Type} in the manifest");
            return;
        }
        var mode = Convert.ToString((int)item.Mode, 8).PadLeft(4, '0');
        if (mode != m.Mode) Add($"{Printable(path)}: mode {mode} in the archive, {m.Mode} in the manifest");
        if (item.Kind is ItemKind.Symlink or ItemKind.HardLink && item.LinkTarget != m.LinkTarget)
            Add($"{Printable(path)}: links to '{item.LinkTarget}' in the archive, '{m.LinkTarget}' in the manifest");
        if (written is { } w) Content(path, m, w);
    }

    /// <summary>Checks what was written for <paramref name="path"/> (a file, or a hard link restored
    /// as a copy of its target) against its manifest entry, and counts the entry as seen.</summary>
    public void Content(string path, ManifestEntry m, (string Sha256, long Size) w)
    {
        _pending.Remove(path);
        if (w.Size != m.Size) Add($"{Printable(path)}: {w.Size} bytes restored, the manifest says {m.Size}");
        else if (m.Sha256 is not null && w.Sha256 != m.Sha256) Add($"{Printable(path)}: content sha256 {w.Sha256}, the manifest says {m.Sha256}");
    }

    /// <summary>Checks the archive as stored and lists manifest entries the archive did not contain.</summary>
    public void Finish(long archiveSize, string archiveSha256)
    {
        foreach (var missing in _pending.Keys.Order(StringComparer.Ordinal))
            Add($"{Printable(missing)}: in the manifest but not in the archive (not restored)");
        _pending.Clear();
        if (archiveSize != manifest.Archive.Size || archiveSha256 != manifest.Archive.Sha256)
            Add($"archive: read {archiveSize} bytes with sha256 {archiveSha256}; the manifest says {manifest.Archive.Size} bytes with sha256 {manifest.Archive.Sha256}");
    }

    /// <summary>Manifest entries not (yet) seen in the archive.</summary>
    public int Unseen => _pending.Count;

    private void Add(string problem)
    {
        MismatchCount++;
        if (Mismatches.Count < MaxListed) Mismatches.Add(problem);
    }

    private static string Printable(string p) => UnsafeEntryException.Printable(p);
}
