using System.Security.Cryptography;
using Archiver.FileSystem;

namespace Archiver.Tests.Restore;

/// <summary>Compares two trees the way a user would check a restore: the same names, and for each
/// the same type, mode, owner, mtime, size, content and link target, and the same hard-link groups.</summary>
public static class TreeComparison
{
    public sealed record Node(EntryType Type, string Mode, int Uid, int Gid, DateTimeOffset Mtime, long Size, string? Content, string? Link, string HardLinkGroup);

    /// <param name="ignoreSymlinkTimes">Only for tools that cannot set a symlink's own time.</param>
    public static List<string> Differences(string expected, string actual, bool ignoreSymlinkTimes = false)
    {
        var a = Snapshot(expected);
        var b = Snapshot(actual);
        var problems = new List<string>();
        foreach (var path in a.Keys.Union(b.Keys).Order(StringComparer.Ordinal))
        {
            var shown = path.Replace("\n", "\\n", StringComparison.Ordinal);
            if (!b.TryGetValue(path, out var y)) { problems.Add($"missing: {shown}"); continue; }
            if (!a.TryGetValue(path, out var x)) { problems.Add($"extra: {shown}"); continue; }
            if (ignoreSymlinkTimes && x.Type == EntryType.Symlink) y = y with { Mtime = x.Mtime };
            if (x != y) problems.Add($"differs: {shown}\n  expected {x}\n  actual   {y}");
        }
        return problems;
    }

    public static Dictionary<string, Node> Snapshot(string root)
    {
        var result = new Dictionary<string, Node>(StringComparer.Ordinal);
        var groups = new Dictionary<(ulong, ulong), string>();
        foreach (var e in TreeWalker.Walk(root))
        {
            var st = e.Status;
            var group = "";
            if (st.Type == EntryType.File && st.LinkCount > 1)
            {
                if (!groups.TryGetValue((st.Device, st.Inode), out var first)) groups[(st.Device, st.Inode)] = first = e.RelativePath;
                group = first;
            }
            result[e.RelativePath] = new Node(
                st.Type,
                Convert.ToString((int)st.Mode, 8),
                st.Uid,
                st.Gid,
                st.ModifiedAt,
                st.Type == EntryType.File ? st.Size : 0,
                st.Type == EntryType.File ? Hash(e.FullPath) : null,
                st.Type == EntryType.Symlink ? new FileInfo(e.FullPath).LinkTarget : null,
                group);
        }
        return result;
    }

    private static string Hash(string path)
    {
        using var f = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
        return Convert.ToHexStringLower(SHA256.HashData(f));
    }
}
