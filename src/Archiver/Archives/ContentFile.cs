using System.Runtime.InteropServices;
using Archiver.FileSystem;
using Microsoft.Win32.SafeHandles;

namespace Archiver.Archives;

/// <summary>Opens a regular file for archiving with O_NOFOLLOW and O_NONBLOCK, so a symlink or fifo
/// that took its place is refused, never followed or blocked on, and checks that what was opened is
/// the file that was scanned (same device and inode).</summary>
internal static class ContentFile
{
    public static SafeFileHandle Open(string path, FileStatus expected)
    {
        var fd = Native.OpenAt(Native.AtFdCwd, path, Native.ORdOnly | Native.ONoFollow | Native.OCloExec | Native.ONonBlock, 0);
        if (fd < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            throw errno == Native.EACCES
                ? new UnauthorizedAccessException($"permission denied reading {path}; run Archiver with read access to every pod file (CAP_DAC_OVERRIDE, as the DaemonSet grants), or fix the file's mode")
                : new IOException($"cannot open {path}: {Native.Describe(errno)}");
        }
        var handle = new SafeFileHandle(fd, ownsHandle: true);
        var opened = FileStatus.OfDescriptor(fd);
        if (opened.Type != EntryType.File || opened.Inode != expected.Inode || opened.Device != expected.Device)
        {
            handle.Dispose();
            throw new FileChangedException($"{path} was replaced (now a {opened.Type}) while it was being archived");
        }
        return handle;
    }
}
