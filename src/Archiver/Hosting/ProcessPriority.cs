using System.Runtime.InteropServices;

namespace Archiver.Hosting;

/// <summary>
/// Lowers the process's CPU priority (nice) and IO priority (ioprio class) so archiving yields to
/// the node's workloads. Linux applies both per thread, so every current thread is changed; threads
/// started later inherit from the thread that creates them.
/// </summary>
public static partial class ProcessPriority
{
    private const int PrioProcess = 0;
    private const int IoprioWhoProcess = 1;
    private const int IoprioClassShift = 13;

    [LibraryImport("libc", EntryPoint = "setpriority", SetLastError = true)]
    private static partial int SetPriority(int which, uint who, int prio);

    [LibraryImport("libc", EntryPoint = "syscall", SetLastError = true)]
    private static partial long Syscall(long number, long which, long who, long ioprio);

    /// <summary>Applies what was asked and says, for the log, what took effect.</summary>
    /// <param name="nice">0 leaves CPU priority alone; 1-19 lowers it.</param>
    /// <param name="ioClass">idle, best-effort (lowest level) or none.</param>
    public static string Apply(int nice, string ioClass)
    {
        var tids = Threads();
        var parts = new List<string>();
        if (nice != 0)
        {
            var failed = tids.Count(t => SetPriority(PrioProcess, (uint)t, nice) != 0);
            parts.Add(failed == 0 ? $"nice {nice}" : $"nice {nice} failed on {failed} of {tids.Count} threads ({FileSystem.Native.Describe(Marshal.GetLastPInvokeError())})");
        }
        else parts.Add("nice unchanged");

        var ioprio = ioClass switch
        {
            "idle" => 3 << IoprioClassShift,
            "best-effort" => (2 << IoprioClassShift) | 7,
            _ => -1,
        };
        var number = RuntimeInformation.ProcessArchitecture switch
        {
            Architecture.X64 => 251,
            Architecture.Arm64 => 30,
            _ => -1,
        };
        if (ioprio < 0) parts.Add("io priority unchanged");
        else if (number < 0) parts.Add($"io priority unchanged (ioprio_set unknown on {RuntimeInformation.ProcessArchitecture})");
        else
        {
            var failed = tids.Count(t => Syscall(number, IoprioWhoProcess, t, ioprio) != 0);
            parts.Add(failed == 0 ? $"io class {ioClass}" : $"io class {ioClass} failed on {failed} of {tids.Count} threads ({FileSystem.Native.Describe(Marshal.GetLastPInvokeError())})");
        }
        return string.Join(", ", parts);
    }

    private static List<int> Threads()
    {
        try
        {
            return Directory.EnumerateDirectories("/proc/self/task").Select(d => int.Parse(Path.GetFileName(d), System.Globalization.CultureInfo.InvariantCulture)).ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return [0];
        }
    }
}
