using System.Security.Cryptography;
using Archiver.FileSystem;

namespace Archiver.Tests.Support;

/// <summary>What a user means by "the same tree": per relative path, its type, mode, mtime
/// (to the microsecond), link target and content hash. Compared with <see cref="Diff"/>.</summary>
public sealed record TreeSnapshot(IReadOnlyDictionary<string, TreeSnapshot.Item> Items)
{
    public sealed record Item(EntryType Type, UnixFileMode Mode, long MtimeMicros, string? LinkTarget, string? Sha256, long Size);

    public static TreeSnapshot Of(string dir)
    {
        var items = new SortedDictionary<string, Item>(StringComparer.Ordinal);
        foreach (var e in TreeWalker.Walk(dir))
        {
            var st = e.Status;
            string? target = st.Type == EntryType.Symlink ? new FileInfo(e.FullPath).LinkTarget : null;
            string? sha = null;
            if (st.Type == EntryType.File)
            {
                using var f = File.OpenRead(e.FullPath);
                sha = Convert.ToHexStringLower(SHA256.HashData(f));
            }
            items[e.RelativePath] = new Item(st.Type, st.Type == EntryType.Symlink ? 0 : st.Mode, st.ModifiedNanos / 1000, target, sha, st.Type == EntryType.File ? st.Size : 0);
        }
        return new TreeSnapshot(items);
    }

    /// <summary>Human-readable differences; empty when the trees are equal. Mtimes of directories
    /// are compared too.</summary>
    public IReadOnlyList<string> Diff(TreeSnapshot other)
    {
        var diffs = new List<string>();
        foreach (var (path, a) in Items)
        {
            if (!other.Items.TryGetValue(path, out var b)) diffs.Add($"missing: '{path}'");
            else if (a != b) diffs.Add($"differs: '{path}': {a} vs {b}");
        }
        foreach (var path in other.Items.Keys.Where(p => !Items.ContainsKey(p))) diffs.Add($"extra: '{path}'");
        return diffs;
    }
}
