using Archiver.Archives;
using Archiver.Tests.Support;

namespace Archiver.Tests.Cli;

/// <summary><c>archiver --version</c> says what runs: the version and each native piece.</summary>
public class VersionTests
{
    [Fact]
    public async Task Version_OnThisMachine_NamesTheVersionAndWhereEachNativePieceComesFrom()
    {
        var r = await CliRunner.RunAsync("--version");

        Assert.True(r.ExitCode == 0, r.ToString());
        var lines = r.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Matches(@"^archiver \d+\.\d+\.\d+", lines[0]);
        // The test build has no bundled copy: Debian's libzstd1 and tzdata are used.
        Assert.Matches(@"^zstd: native libzstd 1\.\d+\.\d+ \(system\)$", lines.Single(l => l.StartsWith("zstd:", StringComparison.Ordinal)));
        Assert.Matches(@"^time zones: /usr/share/zoneinfo \(system, tzdata \d{4}[a-z]\)$", lines.Single(l => l.StartsWith("time zones:", StringComparison.Ordinal)));
        Assert.Matches(@"^openssl: 3\.\d+\.\d+ ", lines.Single(l => l.StartsWith("openssl:", StringComparison.Ordinal)));
    }

    [Fact]
    public void NativeZstd_CopyInTheAppFolder_IsLoadedBeforeTheSystems()
    {
        using var app = new TempDir("app");
        File.Copy(SystemLibzstd(), app[NativeZstd.LibraryName]);

        var (api, description) = NativeZstd.Load(app.Path);

        Assert.NotNull(api);
        Assert.Matches($@"^native libzstd 1\.\d+\.\d+ \(bundled: {app[NativeZstd.LibraryName]}\)$", description);
    }

    [Fact]
    public void NativeZstd_BrokenCopyInTheAppFolder_FallsBackToTheSystems()
    {
        using var app = new TempDir("app");
        File.WriteAllText(app[NativeZstd.LibraryName], "not a library");

        var (api, description) = NativeZstd.Load(app.Path);

        Assert.NotNull(api);
        Assert.Matches($@"^native libzstd 1\.\d+\.\d+ \(system; {app[NativeZstd.LibraryName]} did not load\)$", description);
    }

    private static string SystemLibzstd()
    {
        var (_, output, error) = ExternalTool.Run("sh", "-c", "ldconfig -p | awk '/libzstd\\.so\\.1 /{print $NF; exit}'");
        var path = System.Text.Encoding.UTF8.GetString(output).Trim();
        Assert.True(File.Exists(path), $"no libzstd.so.1 on this machine (Debian's libzstd1): {error}");
        return path;
    }
}
