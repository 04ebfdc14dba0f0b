using System.Runtime.InteropServices;

namespace Archiver.FileSystem;

/// <summary>Sets a path's mtime (and atime) without following a symlink: .NET's setters follow
/// links, so a symlink's own time could not be restored or set otherwise.</summary>
public static class Times
{
    public static void SetModified(string path, DateTimeOffset mtime)
    {
        var ticks = (mtime - DateTimeOffset.UnixEpoch).Ticks;
        var seconds = Math.DivRem(ticks, TimeSpan.TicksPerSecond, out var rem);
        if (rem < 0)
        {
            seconds--;
            rem += TimeSpan.TicksPerSecond;
        }
        var t = new Native.TimeSpec { Seconds = seconds, Nanoseconds = rem * 100 };
        if (Native.UtimensAt(Native.AtFdCwd, path, [t, t], Native.AtSymlinkNoFollow) != 0)
            throw new IOException($"cannot set the time of {path}: {Native.Describe(Marshal.GetLastPInvokeError())}");
    }
}
