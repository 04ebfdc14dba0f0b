using System.Text.RegularExpressions;
using Archiver.Tests.Support;

namespace Archiver.Tests.Deploy;

/// <summary>
/// <c>docker buildx build --platform linux/amd64,linux/arm64</c> yields an image per architecture
/// with that architecture's code: the SDK stage runs on the build machine (<c>$BUILDPLATFORM</c>)
/// and publishes for <c>TARGETARCH</c> through <c>deploy/publish.sh</c>, whose mapping is run here.
/// No Docker engine runs on these machines, so the stages are read from the Dockerfile.
/// </summary>
public partial class DockerfileTests
{
    private sealed record Stage(string From, string? Platform, string? Name, List<string> Lines);

    private static List<Stage> Stages()
    {
        var stages = new List<Stage>();
        foreach (var line in File.ReadAllLines(RepoRoot.Combine("Dockerfile")).Where(l => l.Trim() is var t && t.Length > 0 && !t.StartsWith('#')))
        {
            if (From().Match(line) is { Success: true } m)
                stages.Add(new Stage(m.Groups["image"].Value, m.Groups["platform"].Success ? m.Groups["platform"].Value : null, m.Groups["name"].Success ? m.Groups["name"].Value : null, []));
            else
                stages[^1].Lines.Add(line.Trim());
        }
        return stages;
    }

    [GeneratedRegex(@"^FROM\s+(--platform=(?<platform>\S+)\s+)?(?<image>\S+)(\s+AS\s+(?<name>\S+))?\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex From();

    [Fact]
    public void Dockerfile_PublishStage_RunsOnTheBuildPlatformForTheTargetArch()
    {
        var stages = Stages();
        var build = stages.Single(s => s.Lines.Any(l => l.StartsWith("RUN", StringComparison.Ordinal) && l.Contains("deploy/publish.sh", StringComparison.Ordinal)));
        Assert.Equal("$BUILDPLATFORM", build.Platform);
        Assert.StartsWith("mcr.microsoft.com/dotnet/sdk:10.0", build.From);
        var run = build.Lines.Single(l => l.Contains("deploy/publish.sh", StringComparison.Ordinal));
        Assert.Contains("ARG TARGETARCH", build.Lines.TakeWhile(l => l != run));
        Assert.Contains("TARGETARCH=\"$TARGETARCH\"", run);
        Assert.DoesNotContain("RID=", run);

        // The runtime stage takes the target's platform (no --platform) and the publish output.
        var runtime = stages[^1];
        Assert.Null(runtime.Platform);
        Assert.StartsWith("mcr.microsoft.com/dotnet/runtime:10.0-noble-chiseled", runtime.From);
        Assert.Contains($"COPY --from={build.Name} /out /app", runtime.Lines);
        // The bundled libzstd comes from a stage of the target's platform too.
        var libs = Regex.Match(run, @"LIBZSTD=(\S+)/libzstd\.so\.1").Groups[1].Value;
        var copy = build.Lines.Single(l => l.StartsWith("COPY --from=", StringComparison.Ordinal) && l.Contains(libs + "/", StringComparison.Ordinal));
        Assert.Null(stages.Single(s => copy.StartsWith($"COPY --from={s.Name} ", StringComparison.Ordinal)).Platform);
    }

    [Theory]
    [InlineData("amd64", "linux-x64")]
    [InlineData("arm64", "linux-arm64")]
    public async Task PublishScript_TargetArch_MapsToTheRid(string targetArch, string rid)
    {
        var r = await ProcessRunner.RunAsync("sh", ["deploy/publish.sh", "--print-rid"], env: new Dictionary<string, string> { ["TARGETARCH"] = targetArch });
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal(rid, r.Out.Trim());
    }

    [Fact]
    public async Task PublishScript_UnsupportedTargetArch_IsRefused()
    {
        var r = await ProcessRunner.RunAsync("sh", ["deploy/publish.sh", "--print-rid"], env: new Dictionary<string, string> { ["TARGETARCH"] = "s390x" });
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("TARGETARCH 's390x' is not supported; Archiver is built for amd64 and arm64 nodes", r.Error);
    }

    [Fact]
    public async Task PublishScript_LibzstdOfAnotherArch_IsRefusedBeforePublishing()
    {
        using var tmp = new TempDir("wrong-arch");
        var x64 = ExternalTool.Run("sh", "-c", "ldconfig -p | awk '/libzstd\\.so\\.1 .*x86-64/{print $NF; exit}'");
        var system = System.Text.Encoding.UTF8.GetString(x64.Output).Trim();
        Assert.True(File.Exists(system), $"no x86-64 libzstd.so.1 on this machine: {x64.Error}");

        var r = await ProcessRunner.RunAsync("sh", ["deploy/publish.sh", tmp["out"]], env: new Dictionary<string, string> { ["RID"] = "linux-arm64", ["LIBZSTD"] = system });
        Assert.Equal(3, r.ExitCode);
        Assert.Contains($"{system} is not built for arm64 (ELF machine 62); it would not load on arm64 nodes", r.Error);
        Assert.Empty(Directory.EnumerateFileSystemEntries(tmp["out"]));
    }
}
