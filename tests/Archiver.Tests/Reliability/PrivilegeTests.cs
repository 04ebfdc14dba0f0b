using Archiver.Tests.Support;

namespace Archiver.Tests.Reliability;

/// <summary>
/// Least privilege, with the real binary run as uid 65534 through <c>setpriv</c>: with only
/// DAC_READ_SEARCH, DAC_OVERRIDE and FOWNER (the DaemonSet's set) it archives and deletes another
/// user's private files; with no capability, the directory fails with "permission denied" and
/// nothing is deleted.
/// </summary>
public class PrivilegeTests
{
    private const string Caps = "+dac_read_search,+dac_override,+fowner";

    [Fact]
    public async Task Sweep_AsNobodyWithTheThreeFileCapabilities_ArchivesAndDeletesRootsPrivateFiles()
    {
        using var s = new SweepScene();
        var dir = Private(s);
        var r = await RunAsNobodyAsync(s, ["--inh-caps=" + Caps, "--ambient-caps=" + Caps, "--bounding-set=-all," + Caps]);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.False(Directory.Exists(dir));
        Assert.Single(s.Archives());
    }

    [Fact]
    public async Task Sweep_AsNobodyWithoutCapabilities_FailsThatDirectoryAndDeletesNothing()
    {
        using var s = new SweepScene();
        var dir = Private(s);
        var r = await RunAsNobodyAsync(s, ["--inh-caps=-all", "--bounding-set=-all"]);
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("permission denied", r.Out, StringComparison.OrdinalIgnoreCase);
        Assert.True(File.Exists(Path.Combine(dir, "private.log")));
        Assert.Empty(s.Archives());
    }

    /// <summary>A dead pod's directory with a file only root may read.</summary>
    private static string Private(SweepScene s)
    {
        var dir = s.Pod("web-1", fill: d =>
        {
            File.WriteAllText(Path.Combine(d, "private.log"), "root only");
            File.SetUnixFileMode(Path.Combine(d, "private.log"), UnixFileMode.UserRead | UnixFileMode.UserWrite);
        });
        // The store and state belong to nobody; the data root and the pod stay root's.
        Directory.CreateDirectory(s.StoreDir);
        var state = s.Tmp.Sub("state");
        ExternalTool.Check("chown", "65534:65534", s.StoreDir, state);
        return dir;
    }

    private static async Task<ProcessRunner.Result> RunAsNobodyAsync(SweepScene s, string[] caps)
    {
        // A copy of the program where nobody can read it, whatever the checkout's permissions.
        var bin = s.Tmp.Sub("bin");
        foreach (var f in Directory.EnumerateFiles(AppContext.BaseDirectory))
            File.Copy(f, Path.Combine(bin, Path.GetFileName(f)));
        foreach (var d in new[] { s.Tmp.Path, Path.GetDirectoryName(s.Tmp.Path)! })
            File.SetUnixFileMode(d, (UnixFileMode)Convert.ToInt32("755", 8));
        return await ProcessRunner.RunAsync("setpriv",
            ["--reuid=65534", "--regid=65534", "--clear-groups", .. caps, "dotnet", Path.Combine(bin, "archiver.dll"),
             "sweep", "--root", s.Root, "--store", s.StoreUrl, "--liveness", "none", "--idle-for", "1h", "--state", Path.Combine(s.Tmp.Path, "state"), "--json"],
            env: new Dictionary<string, string> { ["HOME"] = "/tmp", ["DOTNET_NOLOGO"] = "1" });
    }
}
