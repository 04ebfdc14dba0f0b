namespace Archiver.FileSystem;

/// <summary>The lstat facts of one path: never follows a symlink.</summary>
public sealed record FileStatus(
    EntryType Type,
    long Size,
    long AllocatedBytes,
    UnixFileMode Mode,
    int Uid,
    int Gid,
    DateTimeOffset ModifiedAt,
    long ModifiedNanos,
    long ChangedNanos,
    ulong Device,
    ulong Inode,
    uint LinkCount,
    bool IsMountRoot = false)
{
    public bool IsDirectory => Type == EntryType.Directory;

    /// <summary>lstat of <paramref name="path"/>; null when it does not exist. Other errors throw
    /// an <see cref="IOException"/> that names the path.</summary>
    public static FileStatus? TryGet(string path) => TryGetAt(Native.AtFdCwd, path);

    /// <summary>lstat of <paramref name="name"/> relative to an open directory; an error names
    /// <paramref name="shownAs"/> (default: <paramref name="name"/>).</summary>
    public static FileStatus? TryGetAt(int dirFd, string name, string? shownAs = null)
    {
        if (Native.StatxCall(dirFd, name, Native.AtSymlinkNoFollow | Native.AtStatxDontSync, Native.StatxBasicStats, out var st) != 0)
        {
            var errno = System.Runtime.InteropServices.Marshal.GetLastPInvokeError();
            if (errno is Native.ENOENT or Native.ENOTDIR) return null;
            throw new IOException($"cannot stat {shownAs ?? name}: {Native.Describe(errno)}");
        }
        return From(st);
    }

    /// <summary>fstat of an open descriptor.</summary>
    public static FileStatus OfDescriptor(int fd)
    {
        if (Native.StatxCall(fd, "", Native.AtEmptyPath | Native.AtStatxDontSync, Native.StatxBasicStats, out var st) != 0)
            throw new IOException($"cannot stat descriptor {fd}: {Native.Describe(System.Runtime.InteropServices.Marshal.GetLastPInvokeError())}");
        return From(st);
    }

    public static FileStatus Get(string path) =>
        TryGet(path) ?? throw new FileNotFoundException($"{path} does not exist", path);

    private const ulong MountRootAttribute = 0x2000; // STATX_ATTR_MOUNT_ROOT, Linux 5.8+

    private static FileStatus From(in Native.Statx st)
    {
        var type = (st.Mode & 0xF000) switch
        {
            0x8000 => EntryType.File,
            0x4000 => EntryType.Directory,
            0xA000 => EntryType.Symlink,
            0x1000 => EntryType.Fifo,
            0xC000 => EntryType.Socket,
            0x2000 => EntryType.CharDevice,
            0x6000 => EntryType.BlockDevice,
            _ => EntryType.Unknown,
        };
        var mtimeNs = st.ModifyTime.Seconds * 1_000_000_000L + st.ModifyTime.Nanoseconds;
        var ctimeNs = st.ChangeTime.Seconds * 1_000_000_000L + st.ChangeTime.Nanoseconds;
        var modified = DateTimeOffset.UnixEpoch.AddTicks(st.ModifyTime.Seconds * TimeSpan.TicksPerSecond + st.ModifyTime.Nanoseconds / 100);
        return new FileStatus(
            type,
            (long)st.Size,
            (long)st.Blocks * 512,
            (UnixFileMode)(st.Mode & 0xFFF),
            (int)st.Uid,
            (int)st.Gid,
            modified,
            mtimeNs,
            ctimeNs,
            ((ulong)st.DevMajor << 32) | st.DevMinor,
            st.Inode,
            st.LinkCount,
            (st.AttributesMask & MountRootAttribute) != 0 && (st.Attributes & MountRootAttribute) != 0);
    }
}
