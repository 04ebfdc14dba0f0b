using Archiver.Tests.Support;

namespace Archiver.Tests.Reliability;

/// <summary>
/// Least privilege, with the real binary run as uid 65534 through <c>setpriv</c>: with only the
/// capabilities the rendered DaemonSet adds (DAC_OVERRIDE and FOWNER) it archives and deletes another
/// user's private files; with no capability, the directory fails with "permission denied" and
/// nothing is deleted. (tests/image.sh runs the same sweep inside the built image.)
/// </summary>
public class PrivilegeTests
{
    /// <summary>The archiver container's added capabilities, as <c>kubectl kustomize deploy/daemonset</c> renders them, in setpriv's form.</summary>
    private static async Task<string> DaemonSetCapsAsync()
    {
        var objects = k8s.KubernetesYaml.LoadAllFromString(await Archiver.Tests.Deploy.DaemonSetManifestTests.RenderYamlAsync(), strict: true);
        var added = objects.OfType<k8s.Models.V1DaemonSet>().Single().Spec.Template.Spec.Containers.Single().SecurityContext.Capabilities.Add;
        Assert.DoesNotContain("DAC_READ_SEARCH", added);
        return string.Join(',', added.Select(c => "+" + c.ToLowerInvariant()));
    }

    [Fact]
    public async Task Sweep_AsNobodyWithTheDaemonSetsCapabilities_ArchivesAndDeletesRootsPrivateFiles()
    {
        using var s = new SweepScene();
        var dir = Private(s);
        var caps = await DaemonSetCapsAsync();
        var r = await RunAsNobodyAsync(s, ["--inh-caps=" + caps, "--ambient-caps=" + caps, "--bounding-set=-all," + caps]);
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

    /// <summary>A dead pod's directory (0700) with a file (0600) only root may read.</summary>
    private static string Private(SweepScene s)
    {
        var dir = s.Pod("web-1", fill: d =>
        {
            File.WriteAllText(Path.Combine(d, "private.log"), "root only");
            File.SetUnixFileMode(Path.Combine(d, "private.log"), UnixFileMode.UserRead | UnixFileMode.UserWrite);
            File.SetUnixFileMode(d, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute); // 0700: listing it needs the capability too
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
