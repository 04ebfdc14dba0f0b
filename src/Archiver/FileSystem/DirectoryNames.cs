using System.Runtime.InteropServices;

namespace Archiver.FileSystem;

/// <summary>
/// The names in a directory as the kernel holds them (<c>readdir</c>), decoded with
/// <see cref="FileName"/> so a name that is not UTF-8 comes back exactly; <c>.</c> and <c>..</c> left
/// out. One string per name, nothing else allocated per entry.
/// </summary>
public static class DirectoryNames
{
    /// <summary>The names in <paramref name="path"/> (relative to <paramref name="dirFd"/>, or the
    /// current directory), unsorted. Follows no symlink at <paramref name="path"/> when
    /// <paramref name="noFollow"/>.</summary>
    public static List<string> Read(int dirFd, string path, string shownAs, bool noFollow = false)
    {
        var fd = Native.OpenAt(dirFd, path, Native.ORdOnly | Native.ODirectory | Native.OCloExec | (noFollow ? Native.ONoFollow : 0), 0);
        if (fd < 0)
        {
            var errno = Native.Errno;
            throw errno switch
            {
                Native.EACCES => new UnauthorizedAccessException($"permission denied reading directory {shownAs}"),
                Native.ENOENT => new DirectoryNotFoundException($"{shownAs} no longer exists"),
                _ => new IOException($"cannot open directory {shownAs}: {Native.Describe(errno)}"),
            };
        }
        var dir = Native.FdOpenDir(fd);
        if (dir == IntPtr.Zero)
        {
            var errno = Native.Errno;
            Native.Close(fd);
            throw new IOException($"cannot read directory {shownAs}: {Native.Describe(errno)}");
        }
        try
        {
            return ReadAll(dir, shownAs);
        }
        finally
        {
            Native.CloseDir(dir); // closes fd too
        }
    }

    private static unsafe List<string> ReadAll(IntPtr dir, string shownAs)
    {
        var names = new List<string>();
        while (true)
        {
            var entry = Native.ReadDir(dir);
            if (entry == IntPtr.Zero)
            {
                var errno = Native.Errno;
                if (errno != 0) throw new IOException($"cannot read directory {shownAs}: {Native.Describe(errno)}");
                return names;
            }
            var name = MemoryMarshal.CreateReadOnlySpanFromNullTerminated((byte*)entry + Native.DirentNameOffset);
            if (name is [(byte)'.'] or [(byte)'.', (byte)'.']) continue;
            names.Add(FileName.Decode(name));
        }
    }
}
