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
        using var dir = Open(dirFd, path, shownAs, noFollow);
        return dir.Names;
    }

    /// <summary>Opens <paramref name="path"/> and reads its names; the directory stays open, so its
    /// entries can be looked at by name (<see cref="OpenDirectory.Fd"/>) without walking the whole
    /// path again for each.</summary>
    public static OpenDirectory Open(int dirFd, string path, string shownAs, bool noFollow = false)
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
            return new OpenDirectory(dir, fd, ReadAll(dir, shownAs));
        }
        catch
        {
            Native.CloseDir(dir); // closes fd too
            throw;
        }
    }

    /// <summary>A directory held open after its names were read; disposing closes it.</summary>
    public sealed class OpenDirectory(IntPtr dir, int fd, List<string> names) : IDisposable
    {
        private IntPtr _dir = dir;

        /// <summary>The directory's descriptor, for <c>*at</c> calls on its names; valid until disposed.</summary>
        public int Fd { get; } = fd;

        public List<string> Names { get; } = names;

        public void Dispose()
        {
            if (_dir == IntPtr.Zero) return;
            Native.CloseDir(_dir); // closes Fd too
            _dir = IntPtr.Zero;
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
