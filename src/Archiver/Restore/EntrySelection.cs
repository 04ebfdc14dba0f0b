using Archiver.Archives;
using Archiver.FileSystem;

namespace Archiver.Restore;

/// <summary>
/// Which manifest entries a <c>--path GLOB</c> or a <c>cat PATH</c> means. Globs match paths inside
/// the pod directory (the archive's first path component is the directory itself), with the same
/// rules as a policy's <c>exclude</c>: <c>*</c> within a segment, <c>**</c> across, and a match on a
/// directory takes everything under it (like <c>tar -x DIR</c>). Globs and paths are matched against
/// names as printed (<see cref="FileName.Printable"/>): a byte that is not UTF-8 is <c>\xHH</c>, so
/// <c>caf\xe9*</c> matches the name <c>caf</c> + byte 0xE9 + <c>.log</c>.
/// </summary>
public static class EntrySelection
{
    /// <summary>An entry's path inside the pod directory: <c>web-0/logs/a.log</c> → <c>logs/a.log</c>.</summary>
    public static string Inside(string path)
    {
        var trimmed = path.TrimEnd('/');
        var slash = trimmed.IndexOf('/');
        return slash < 0 ? "" : trimmed[(slash + 1)..];
    }

    public static List<ManifestEntry> Matching(ArchiveManifest manifest, IReadOnlyList<string> globs)
    {
        var glob = new Glob(globs.Select(g => g.Trim('/')));
        return manifest.Entries.Where(e => Inside(e.Path) is { Length: > 0 } inside && glob.Matches(FileName.Printable(inside))).ToList();
    }

    /// <summary>The one entry at <paramref name="path"/> (inside the pod directory, or with the
    /// directory's name in front); null when there is none.</summary>
    public static ManifestEntry? Exactly(ArchiveManifest manifest, string path)
    {
        var wanted = path.Trim('/');
        return manifest.Entries.LastOrDefault(e => FileName.Printable(Inside(e.Path)) == wanted)
            ?? manifest.Entries.LastOrDefault(e => FileName.Printable(e.Path.TrimEnd('/')) == wanted);
    }

    /// <summary>Up to <paramref name="count"/> paths of the archive closest (by edit distance) to
    /// what was asked for, for an error that says what does exist.</summary>
    public static List<string> Nearest(ArchiveManifest manifest, IEnumerable<string> asked, int count = 5)
    {
        var wanted = asked.Select(a => a.Trim('/')).ToList();
        return manifest.Entries
            .Select(e => FileName.Printable(Inside(e.Path)))
            .Where(p => p.Length > 0)
            .Distinct(StringComparer.Ordinal)
            .Select(p => (Path: p, Distance: wanted.Min(w => Distance(w, p))))
            .OrderBy(x => x.Distance).ThenBy(x => x.Path, StringComparer.Ordinal)
            .Take(count)
            .Select(x => x.Path)
            .ToList();
    }

    /// <summary>Levenshtein distance, with wildcards in the pattern free to stand for any one character.</summary>
    private static int Distance(string pattern, string path)
    {
        var previous = new int[path.Length + 1];
        var current = new int[path.Length + 1];
        for (var j = 0; j <= path.Length; j++) previous[j] = j;
        for (var i = 1; i <= pattern.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= path.Length; j++)
            {
                var same = pattern[i - 1] == path[j - 1] || pattern[i - 1] is '*' or '?';
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (same ? 0 : 1));
            }
            (previous, current) = (current, previous);
        }
        return previous[path.Length];
    }
}
