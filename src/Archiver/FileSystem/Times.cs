using System.Runtime.InteropServices;

namespace Archiver.FileSystem;

/// <summary>Sets a path's mtime (and atime) without following a symlink: .NET's setters follow
/// links, so a symlink's own time could not be restored or set otherwise.</summary>
public static class Times
{
    /// <summary>utimensat times (atime = mtime), floor-rounded so times before 1970 are exact.</summary>
    internal static Native.TimeSpec[] Pair(DateTimeOffset mtime)
    {
        var ticks = (mtime - DateTimeOffset.UnixEpoch).Ticks;
        var seconds = Math.DivRem(ticks, TimeSpan.TicksPerSecond, out var rem);
        if (rem < 0)
        {
            seconds--;
            rem += TimeSpan.TicksPerSecond;
        }
        var t = new Native.TimeSpec { Seconds = seconds, Nanoseconds = rem * 100 };
        return [t, t];
    }

    public static void SetModified(string path, DateTimeOffset mtime)
    {
        if (Native.UtimensAt(Native.AtFdCwd, path, Pair(mtime), Native.AtSymlinkNoFollow) != 0)
            throw new IOException($"cannot set the time of {path}: {Native.Describe(Marshal.GetLastPInvokeError())}");
    }
}
