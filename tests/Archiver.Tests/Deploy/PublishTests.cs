using Archiver.Tests.Support;

namespace Archiver.Tests.Deploy;

/// <summary>The publish command the Dockerfile wraps produces a program that runs on its own.</summary>
public class PublishTests
{
    [Fact]
    public async Task PublishScript_Output_RunsTheDemoEndToEnd()
    {
        using var tmp = new TempDir("publish");
        var publish = await ProcessRunner.RunAsync("sh", ["deploy/publish.sh", tmp["out"]], timeout: TimeSpan.FromMinutes(5));
        Assert.True(publish.ExitCode == 0, publish.ToString());

        var demo = await ProcessRunner.RunAsync("dotnet", [tmp["out/archiver.dll"], "demo", "--dir", tmp["demo"], "--json"], workingDirectory: tmp.Path);
        Assert.True(demo.ExitCode == 0, demo.ToString());
        Assert.Equal(3, Directory.EnumerateFiles(tmp["demo/store"], "*.tar.gz", SearchOption.AllDirectories).Count());
    }
}
