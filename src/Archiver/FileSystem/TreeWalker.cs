namespace Archiver.FileSystem;

/// <summary>
/// Walks a directory depth-first in ordinal name order, taking every type from lstat and never
/// following a symlink. The order is stable, so two walks of an unchanged tree yield the same
/// sequence (which is what the fingerprint relies on). Directories on another file system, and
/// mount points, are reported and not entered. Names are read as bytes (<see cref="DirectoryNames"/>)
/// and held as <see cref="FileName"/> strings, so a name that is not UTF-8 is walked like any other.
/// </summary>
public static class TreeWalker
{
    public static IEnumerable<TreeEntry> Walk(string directory, Glob? exclude = null)
    {
        var top = FileStatus.TryGet(directory) ?? throw new DirectoryNotFoundException($"{directory} no longer exists");
        if (!top.IsDirectory) throw new IOException($"{directory} is no longer a directory (it is a {top.Type})");
        yield return new TreeEntry("", directory, top, false);
        foreach (var e in WalkChildren(directory, "", top.Device, exclude)) yield return e;
    }

    private static IEnumerable<TreeEntry> WalkChildren(string fullDir, string relDir, ulong device, Glob? exclude)
    {
        DirectoryNames.OpenDirectory dir;
        try
        {
            dir = DirectoryNames.Open(Native.AtFdCwd, fullDir, FileName.Printable(fullDir));
        }
        catch (UnauthorizedAccessException e)
        {
            throw new IOException($"permission denied reading directory {FileName.Printable(fullDir)}; run Archiver with CAP_DAC_OVERRIDE (the DaemonSet grants it) and check SELinux/AppArmor labels", e);
        }
        using var _ = dir;
        dir.Names.Sort(StringComparer.Ordinal);
        foreach (var name in dir.Names)
        {
            var full = Path.Combine(fullDir, name);
            var rel = relDir.Length == 0 ? name : relDir + "/" + name;
            // By name in the open directory: one path component to look up, not the whole path.
            var st = FileStatus.TryGetAt(dir.Fd, name, full);
            if (st is null) continue; // vanished between listing and stat; the fingerprint sees the difference
            var excluded = exclude is { IsEmpty: false } && exclude.Matches(FileName.Printable(rel));
            yield return new TreeEntry(rel, full, st, excluded);
            if (st.IsDirectory && !excluded)
            {
                if (st.Device != device || st.IsMountRoot)
                    throw new CrossesFileSystemException(FileName.Printable(full));
                foreach (var e in WalkChildren(full, rel, device, exclude)) yield return e;
            }
        }
    }
}

/// <summary>A pod directory contains a mount point or another file system. Archiver neither
/// archives nor deletes across it.</summary>
public sealed class CrossesFileSystemException(string path)
    : IOException($"{path} is a mount point or on another file system; Archiver does not cross file systems, so unmount it or exclude it");
