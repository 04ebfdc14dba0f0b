using System.Runtime.InteropServices;
using Archiver.FileSystem;

namespace Archiver.Restore;

/// <summary>The <c>*at</c> calls restore creates entries with, so every name is resolved relative to
/// a directory descriptor opened with O_NOFOLLOW and no symlink is ever followed.</summary>
internal static partial class Posix
{
    public const int AtFdCwd = -100;
    public const int AtSymlinkNoFollow = 0x100;
    public const int ORdOnly = 0;
    public const int OWrOnly = 1;
    public const int OCreat = 0x40;
    public const int OExcl = 0x80;
    public const int ODirectory = 0x10000;
    public const int ONoFollow = 0x20000;
    public const int OCloExec = 0x80000;

    public const int ENOENT = 2;
    public const int EEXIST = 17;
    public const int ENOTDIR = 20;
    public const int EISDIR = 21;
    public const int ELOOP = 40;

    [LibraryImport("libc", EntryPoint = "openat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int OpenAt(int dirFd, string path, int flags, int mode);

    [LibraryImport("libc", EntryPoint = "mkdirat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int MkdirAt(int dirFd, string path, int mode);

    [LibraryImport("libc", EntryPoint = "symlinkat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int SymlinkAt(string target, int dirFd, string path);

    [LibraryImport("libc", EntryPoint = "linkat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int LinkAt(int oldDirFd, string oldPath, int newDirFd, string newPath, int flags);

    [LibraryImport("libc", EntryPoint = "unlinkat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int UnlinkAt(int dirFd, string path, int flags);

    [LibraryImport("libc", EntryPoint = "fchownat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int FchownAt(int dirFd, string path, int uid, int gid, int flags);

    [LibraryImport("libc", EntryPoint = "fchown", SetLastError = true)]
    public static partial int Fchown(int fd, int uid, int gid);

    [LibraryImport("libc", EntryPoint = "fchmod", SetLastError = true)]
    public static partial int Fchmod(int fd, int mode);

    [LibraryImport("libc", EntryPoint = "utimensat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int UtimensAt(int dirFd, string path, [In] Native.TimeSpec[] times, int flags);

    [LibraryImport("libc", EntryPoint = "futimens", SetLastError = true)]
    public static partial int Futimens(int fd, [In] Native.TimeSpec[] times);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    [LibraryImport("libc", EntryPoint = "geteuid")]
    public static partial int GetEuid();

    public static int Errno => Marshal.GetLastPInvokeError();

    public static string Describe(int errno) => Native.Describe(errno);

    public static Native.TimeSpec[] Times(DateTimeOffset mtime) => FileSystem.Times.Pair(mtime);
}
