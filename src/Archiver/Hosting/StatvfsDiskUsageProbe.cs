using System.Runtime.InteropServices;

namespace Archiver.Hosting;

/// <summary>One <c>statvfs(2)</c> call: cheap enough to run every minute.</summary>
public sealed partial class StatvfsDiskUsageProbe : IDiskUsageProbe
{
    // struct statvfs on 64-bit Linux (x86_64, aarch64): eleven 8-byte fields, then int[6].
    [StructLayout(LayoutKind.Sequential)]
    private struct StatVfs
    {
        public ulong BlockSize;
        public ulong FragmentSize;
        public ulong Blocks;
        public ulong BlocksFree;
        public ulong BlocksAvailable;
        public ulong Files;
        public ulong FilesFree;
        public ulong FilesAvailable;
        public ulong FsId;
        public ulong Flags;
        public ulong NameMax;
        private readonly long _spare0, _spare1, _spare2;
    }

    [LibraryImport("libc", EntryPoint = "statvfs", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Statvfs(string path, out StatVfs buf);

    public DiskUsage Measure(string path)
    {
        if (Statvfs(path, out var s) != 0)
            throw new IOException($"statvfs {path} failed ({FileSystem.Native.Describe(Marshal.GetLastPInvokeError())}); check that the policy root exists");
        var unit = (long)(s.FragmentSize > 0 ? s.FragmentSize : s.BlockSize);
        var total = (long)s.Blocks * unit;
        var used = ((long)s.Blocks - (long)s.BlocksFree) * unit;
        return new DiskUsage(used, total, (long)s.BlocksAvailable * unit);
    }
}
