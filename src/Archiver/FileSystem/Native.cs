using System.Runtime.InteropServices;

namespace Archiver.FileSystem;

/// <summary>
/// The few libc calls .NET does not expose: <c>statx</c> (whose struct layout is the same on
/// every Linux architecture, unlike <c>struct stat</c>), and the <c>*at</c> calls that let
/// cleanup delete relative to an open directory so a swapped-in symlink is never followed.
/// </summary>
internal static partial class Native
{
    public const int AtFdCwd = -100;
    public const int AtSymlinkNoFollow = 0x100;
    public const int AtRemoveDir = 0x200;
    public const int AtStatxDontSync = 0x4000;
    public const int AtEmptyPath = 0x1000;
    public const uint StatxBasicStats = 0x7ff;

    public const int ORdOnly = 0;
    public const int OWrOnly = 1;
    public const int OCreat = 0x40;
    public const int OExcl = 0x80;
    public const int ONonBlock = 0x800;
    public const int ODirectory = 0x10000; // x86_64 and aarch64 agree on these two
    public const int ONoFollow = 0x20000;
    public const int OCloExec = 0x80000;

    public const int ENOENT = 2;
    public const int EACCES = 13;
    public const int EEXIST = 17;
    public const int ENOTDIR = 20;
    public const int EISDIR = 21;
    public const int ELOOP = 40;

    [StructLayout(LayoutKind.Sequential)]
    public struct StatxTimestamp
    {
        public long Seconds;
        public uint Nanoseconds;
        private readonly int _reserved;
    }

    [StructLayout(LayoutKind.Sequential, Size = 256)]
    public struct Statx
    {
        public uint Mask;
        public uint BlockSize;
        public ulong Attributes;
        public uint LinkCount;
        public uint Uid;
        public uint Gid;
        public ushort Mode;
        private readonly ushort _spare0;
        public ulong Inode;
        public ulong Size;
        public ulong Blocks;
        public ulong AttributesMask;
        public StatxTimestamp AccessTime;
        public StatxTimestamp BirthTime;
        public StatxTimestamp ChangeTime;
        public StatxTimestamp ModifyTime;
        public uint RdevMajor;
        public uint RdevMinor;
        public uint DevMajor;
        public uint DevMinor;
    }

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Custom, StringMarshallingCustomType = typeof(FileNameMarshaller))]
    public static partial int StatxCall(int dirFd, string path, int flags, uint mask, out Statx buffer);

    [LibraryImport("libc", EntryPoint = "openat", SetLastError = true, StringMarshalling = StringMarshalling.Custom, StringMarshallingCustomType = typeof(FileNameMarshaller))]
    public static partial int OpenAt(int dirFd, string path, int flags, int mode);

    [LibraryImport("libc", EntryPoint = "unlinkat", SetLastError = true, StringMarshalling = StringMarshalling.Custom, StringMarshallingCustomType = typeof(FileNameMarshaller))]
    public static partial int UnlinkAt(int dirFd, string path, int flags);

    // Listing and reading names as bytes: .NET's enumeration decodes them and loses what is not UTF-8.
    // getdents64 on the descriptor itself: fdopendir first asks the kernel for the descriptor's status
    // and flags (an fstat and an fcntl per directory listed) and allocates a DIR.
    [LibraryImport("libc", EntryPoint = "getdents64", SetLastError = true)]
    private static unsafe partial nint GetDents64(int fd, byte* buffer, nint count);

    /// <summary><c>getdents64</c> into <paramref name="buffer"/>, retried on EINTR: the bytes of
    /// <c>struct linux_dirent64</c> records read (0 at the end), or -1 with <see cref="Errno"/> set.</summary>
    public static unsafe nint GetDents(int fd, Span<byte> buffer)
    {
        fixed (byte* p = buffer)
        {
            while (true)
            {
                var n = GetDents64(fd, p, buffer.Length);
                if (n >= 0 || Errno != EINTR) return n;
            }
        }
    }

    /// <summary>In a <c>struct linux_dirent64</c>: the record's length (a <c>u16</c>) and its name's
    /// start (NUL-terminated, padded to the record's end).</summary>
    public const int DirentRecordLengthOffset = 16, DirentNameOffset = 19;

    [LibraryImport("libc", EntryPoint = "readlinkat", SetLastError = true, StringMarshalling = StringMarshalling.Custom, StringMarshallingCustomType = typeof(FileNameMarshaller))]
    public static unsafe partial nint ReadLinkAt(int dirFd, string path, byte* buffer, nint size);

    [StructLayout(LayoutKind.Sequential)]
    public struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [LibraryImport("libc", EntryPoint = "utimensat", SetLastError = true, StringMarshalling = StringMarshalling.Custom, StringMarshallingCustomType = typeof(FileNameMarshaller))]
    public static partial int UtimensAt(int dirFd, string path, [In] TimeSpec[] times, int flags);

    // Restore creates every entry relative to a directory opened with O_NOFOLLOW.
    [LibraryImport("libc", EntryPoint = "mkdirat", SetLastError = true, StringMarshalling = StringMarshalling.Custom, StringMarshallingCustomType = typeof(FileNameMarshaller))]
    public static partial int MkdirAt(int dirFd, string path, int mode);

    [LibraryImport("libc", EntryPoint = "symlinkat", SetLastError = true, StringMarshalling = StringMarshalling.Custom, StringMarshallingCustomType = typeof(FileNameMarshaller))]
    public static partial int SymlinkAt(string target, int dirFd, string path);

    [LibraryImport("libc", EntryPoint = "linkat", SetLastError = true, StringMarshalling = StringMarshalling.Custom, StringMarshallingCustomType = typeof(FileNameMarshaller))]
    public static partial int LinkAt(int oldDirFd, string oldPath, int newDirFd, string newPath, int flags);

    [LibraryImport("libc", EntryPoint = "fchownat", SetLastError = true, StringMarshalling = StringMarshalling.Custom, StringMarshallingCustomType = typeof(FileNameMarshaller))]
    public static partial int FchownAt(int dirFd, string path, int uid, int gid, int flags);

    [LibraryImport("libc", EntryPoint = "fchown", SetLastError = true)]
    public static partial int Fchown(int fd, int uid, int gid);

    [LibraryImport("libc", EntryPoint = "fchmod", SetLastError = true)]
    public static partial int Fchmod(int fd, int mode);

    [LibraryImport("libc", EntryPoint = "futimens", SetLastError = true)]
    public static partial int Futimens(int fd, [In] TimeSpec[] times);

    [LibraryImport("libc", EntryPoint = "geteuid")]
    public static partial int GetEuid();

    public static int Errno => Marshal.GetLastPInvokeError();

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    [LibraryImport("libc", EntryPoint = "pread64", SetLastError = true)]
    private static unsafe partial nint PRead64(int fd, byte* buffer, nint count, long offset);

    public const int EINTR = 4;

    /// <summary><c>pread</c> into <paramref name="buffer"/>, retried on EINTR: the bytes read (0 at
    /// the end), or -1 with <see cref="Errno"/> set. Unlike <see cref="RandomAccess"/> it asks the
    /// kernel nothing else first (.NET learns whether a handle can seek with an <c>lseek</c>).</summary>
    public static unsafe nint PRead(int fd, Span<byte> buffer, long offset)
    {
        fixed (byte* p = buffer)
        {
            while (true)
            {
                var n = PRead64(fd, p, buffer.Length, offset);
                if (n >= 0 || Errno != EINTR) return n;
            }
        }
    }

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    public static partial int Fsync(int fd);

    [LibraryImport("libc", EntryPoint = "strerror")]
    private static partial IntPtr StrError(int errno);

    public static string Describe(int errno) =>
        Marshal.PtrToStringUTF8(StrError(errno)) ?? $"errno {errno}";

    private const int MMmapThreshold = -3;

    [LibraryImport("libc", EntryPoint = "mallopt")]
    private static partial int MallOpt(int param, int value);

    /// <summary>
    /// Makes the C heap give large freed blocks back to the system. glibc serves blocks of 128 KiB
    /// and up with their own mappings, but raises that threshold (up to 32 MiB) each time such a
    /// block is freed; from then on zlib-ng's ~0.4 MiB deflate state per gzip block and libzstd's
    /// contexts come from per-thread arenas that keep the memory after it is freed. Measured on the
    /// benchmark sweep to S3: peak RSS 160-164 MiB without, 142-156 MiB with, same CPU. No effect (and
    /// no error) on a libc without mallopt's threshold.
    /// </summary>
    public static void ReturnLargeFreedBlocks()
    {
        try
        {
            MallOpt(MMmapThreshold, 128 * 1024);
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
        }
    }
}
