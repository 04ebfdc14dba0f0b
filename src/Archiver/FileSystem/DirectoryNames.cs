using System.Buffers;
using System.Runtime.InteropServices;

namespace Archiver.FileSystem;

/// <summary>
/// The names in a directory as the kernel holds them (<c>getdents64</c>), decoded with
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
        try
        {
            return new OpenDirectory(fd, ReadAll(fd, shownAs));
        }
        catch
        {
            Native.Close(fd);
            throw;
        }
    }

    /// <summary>A directory held open after its names were read; disposing closes it.</summary>
    public sealed class OpenDirectory(int fd, List<string> names) : IDisposable
    {
        private bool _closed;

        /// <summary>The directory's descriptor, for <c>*at</c> calls on its names; valid until disposed.</summary>
        public int Fd { get; } = fd;

        public List<string> Names { get; } = names;

        public void Dispose()
        {
            if (_closed) return;
            Native.Close(Fd);
            _closed = true;
        }
    }

    private static List<string> ReadAll(int fd, string shownAs)
    {
        var names = new List<string>();
        var buffer = ArrayPool<byte>.Shared.Rent(32 * 1024);
        try
        {
            while (true)
            {
                var n = (int)Native.GetDents(fd, buffer);
                if (n < 0) throw new IOException($"cannot read directory {shownAs}: {Native.Describe(Native.Errno)}");
                if (n == 0) return names;
                for (var at = 0; at < n;)
                {
                    var record = buffer.AsSpan(at, MemoryMarshal.Read<ushort>(buffer.AsSpan(at + Native.DirentRecordLengthOffset)));
                    var name = record[Native.DirentNameOffset..];
                    name = name[..name.IndexOf((byte)0)];
                    at += record.Length;
                    if (name is [(byte)'.'] or [(byte)'.', (byte)'.']) continue;
                    names.Add(FileName.Decode(name));
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
