using System.Runtime.InteropServices;

namespace Archiver.FileSystem;

/// <summary>
/// Deletes a pod directory relative to open directory handles (<c>openat</c>/<c>unlinkat</c> with
/// <c>O_NOFOLLOW</c>): a symlink is removed, never followed; a directory swapped for a symlink after
/// the scan is refused; a mount point or another file system inside is refused. The only code in
/// Archiver that deletes local files.
/// </summary>
public static class SafeDelete
{
    /// <summary>Deletes <paramref name="name"/> under <paramref name="root"/>, which must still be the
    /// directory that was scanned (same device and inode).</summary>
    public static void DeleteDirectory(string root, string name, FileStatus expected)
    {
        if (name.Length == 0 || name.Contains('/') || name is "." or "..")
            throw new IOException($"refusing to delete '{name}': not a plain child of {root}");
        var rootFd = Open(Native.AtFdCwd, root, root);
        try
        {
            var st = FileStatus.TryGetAt(rootFd, name)
                ?? throw new IOException($"{Path.Combine(root, name)} vanished before it was deleted");
            if (!st.IsDirectory || st.Device != expected.Device || st.Inode != expected.Inode)
                throw new IOException($"{Path.Combine(root, name)} was replaced (now a {st.Type}) after it was archived; nothing deleted");
            DeleteContents(rootFd, name, Path.Combine(root, name), st.Device);
            Unlink(rootFd, name, Native.AtRemoveDir, Path.Combine(root, name));
            Durable.FsyncDirectory(root);
        }
        finally
        {
            Native.Close(rootFd);
        }
    }

    private static void DeleteContents(int parentFd, string name, string path, ulong device)
    {
        var fd = Open(parentFd, name, path);
        try
        {
            var self = FileStatus.TryGetAt(fd, ".") ?? throw new IOException($"{path} vanished while being deleted");
            if (self.Device != device || self.IsMountRoot) throw new CrossesFileSystemException(FileName.Printable(path));
            foreach (var child in DirectoryNames.Read(fd, ".", path))
            {
                // Anything but a directory goes in one call: unlinkat without AT_REMOVEDIR refuses a
                // directory (EISDIR on Linux), which is then checked and emptied first.
                if (Native.UnlinkAt(fd, child, 0) == 0)
                {
                    CrashPoints.Hit(CrashPoints.MidDelete);
                    continue;
                }
                var errno = Marshal.GetLastPInvokeError();
                if (errno == Native.ENOENT) continue;
                var childPath = Path.Combine(path, child);
                if (errno != Native.EISDIR) throw new IOException($"cannot delete {FileName.Printable(childPath)}: {Native.Describe(errno)}");
                var st = FileStatus.TryGetAt(fd, child);
                if (st is null) continue;
                if (!st.IsDirectory) throw new IOException($"{FileName.Printable(childPath)} changed while it was deleted; the rest is left");
                if (st.Device != device || st.IsMountRoot) throw new CrossesFileSystemException(FileName.Printable(childPath));
                DeleteContents(fd, child, childPath, device);
                Unlink(fd, child, Native.AtRemoveDir, childPath);
            }
        }
        finally
        {
            Native.Close(fd);
        }
    }

    private static int Open(int dirFd, string name, string path)
    {
        var fd = Native.OpenAt(dirFd, name, Native.ORdOnly | Native.ODirectory | Native.ONoFollow | Native.OCloExec, 0);
        if (fd >= 0) return fd;
        var errno = Marshal.GetLastPInvokeError();
        throw errno is Native.ELOOP or Native.ENOTDIR
            ? new IOException($"{FileName.Printable(path)} is no longer a directory (a symlink or file took its place); nothing there was deleted")
            : new IOException($"cannot open {FileName.Printable(path)}: {Native.Describe(errno)}");
    }

    private static void Unlink(int dirFd, string name, int flags, string path)
    {
        if (Native.UnlinkAt(dirFd, name, flags) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            if (errno == Native.ENOENT) return;
            throw new IOException($"cannot delete {FileName.Printable(path)}: {Native.Describe(errno)}");
        }
    }
}
