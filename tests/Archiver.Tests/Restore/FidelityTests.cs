using System.Diagnostics;
using Archiver.Tests.Support;
using Xunit;

namespace Archiver.Tests.Restore;

/// <summary>Archive → restore, and archive → GNU tar, of the adversarial corpus: the trees must come
/// back equal in names, types, contents, modes, owners, mtimes, link targets and hard links.</summary>
public sealed class FidelityTests
{
    [Theory]
    [InlineData("tar.gz")]
    [InlineData("tar.zst")]
    public async Task Restore_AdversarialCorpus_TreeComesBackExactly(string format)
    {
        using var f = new RestoreFixture("fidelity", format);
        AdversarialTree.Build(Directory.CreateDirectory(Path.Combine(f.Root, "web-0")).FullName, withSparse: false);
        var key = await f.ArchiveAsync("web-0");
        Assert.EndsWith("." + format, key);

        var to = f.Temp["restored"];
        var result = await f.RestoreAsync(key, "--to", to);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("verified against the manifest", result.Out);
        Assert.Empty(TreeComparison.Differences(Path.Combine(f.Root, "web-0"), Path.Combine(to, "web-0")));
    }

    [Theory]
    [InlineData("tar.gz", "-xzf")]
    [InlineData("tar.zst", "--zstd -xf")]
    public async Task GnuTar_AdversarialCorpus_ExtractsTheSameTree(string format, string flags)
    {
        using var f = new RestoreFixture("gnutar", format);
        AdversarialTree.Build(Directory.CreateDirectory(Path.Combine(f.Root, "web-0")).FullName, withSparse: false);
        var key = await f.ArchiveAsync("web-0");
        var to = f.Temp.Sub("gnu");

        var (code, output) = Run("tar", $"{flags} {Quote(Path.Combine(f.StoreDir, key))} -C {Quote(to)}");

        Assert.True(code == 0, output);
        Assert.Empty(TreeComparison.Differences(Path.Combine(f.Root, "web-0"), Path.Combine(to, "web-0")));
    }

    internal static (int Code, string Output) Run(string file, string args)
    {
        var psi = new ProcessStartInfo("/bin/sh", ["-c", $"{file} {args}"]) { RedirectStandardError = true, RedirectStandardOutput = true };
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, stdout.Result + stderr);
    }

    internal static string Quote(string s) => "'" + s.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
