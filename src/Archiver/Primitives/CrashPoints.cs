using System.Runtime.InteropServices;

namespace Archiver.Primitives;

/// <summary>
/// Deterministic crash points for the fault-injection tests. When the environment variable
/// <c>ARCHIVER_CRASH_AT</c> names a point, the process sends itself SIGKILL when it reaches it:
/// exactly what <c>kill -9</c> does, with no finally blocks, no flushing, no cleanup. The
/// variable is read once; when it is unset every point is a single comparison.
/// </summary>
public static partial class CrashPoints
{
    public const string AfterPlan = "after-plan";
    /// <summary>The store has created the upload; the journal does not have its id yet.</summary>
    public const string AfterCreateUpload = "after-create-upload";
    public const string MidTar = "mid-tar";
    public const string BeforeComplete = "before-complete";
    public const string AfterUpload = "after-upload";
    public const string AfterManifest = "after-manifest";
    public const string AfterVerify = "after-verify";
    public const string BeforeDelete = "before-delete";
    public const string MidDelete = "mid-delete";

    public static readonly IReadOnlyList<string> All =
        [AfterPlan, AfterCreateUpload, MidTar, BeforeComplete, AfterUpload, AfterManifest, AfterVerify, BeforeDelete, MidDelete];

    private static readonly string? Target = Environment.GetEnvironmentVariable("ARCHIVER_CRASH_AT");

    public static void Hit(string point)
    {
        if (Target is not null && Target == point) Kill(Environment.ProcessId, 9);
    }

    [LibraryImport("libc", EntryPoint = "kill")]
    private static partial int Kill(int pid, int signal);
}
