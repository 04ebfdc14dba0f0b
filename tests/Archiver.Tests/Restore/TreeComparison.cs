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
                st.Type == EntryType.File ? Hash(e.FullPath, st) : null,
                st.Type == EntryType.Symlink ? new FileInfo(e.FullPath).LinkTarget : null,
                group);
        }
        return result;
    }

    /// <summary>The content's SHA-256; for a big sparse file, its data runs and the SHA-256 of their
    /// bytes (holes read as zeros, so equal runs and bytes mean equal content, without hashing GiBs of
    /// zeros three times per test).</summary>
    private static string Hash(string path, FileStatus st)
    {
        using var handle = File.OpenHandle(path);
        if (st.Size > 64 << 20 && st.AllocatedBytes < st.Size / 2 && global::Archiver.Archives.SparseMap.TryRead(handle, st.Size) is { } runs)
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var buffer = new byte[1 << 20];
            foreach (var run in runs)
                for (long done = 0; done < run.Length;)
                {
                    var n = RandomAccess.Read(handle, buffer.AsSpan(0, (int)Math.Min(buffer.Length, run.Length - done)), run.Offset + done);
                    if (n == 0) break;
                    hash.AppendData(buffer, 0, n);
                    done += n;
                }
            return $"runs {string.Join(',', runs.Select(r => $"{r.Offset}+{r.Length}"))} sha256 {Convert.ToHexStringLower(hash.GetHashAndReset())}";
        }
        using var f = new FileStream(handle, FileAccess.Read, 1 << 20);
        return Convert.ToHexStringLower(SHA256.HashData(f));
    }
}
