using System.Diagnostics;
using Archiver.FileSystem;
using Archiver.Tests.Support;

namespace Archiver.Tests.Archives;

/// <summary>What Archiver writes, GNU tar reads back to an identical tree.</summary>
public class GnuTarCompatibilityTests
{
    [Theory]
    [InlineData("tar.gz", "-xzf")]
    [InlineData("tar.zst", "--zstd -xf")]
    public async Task Archive_ExtractedByGnuTar_GivesBackTheSameTree(string format, string tarFlags)
    {
        using var s = new SweepScene();
        var dir = s.Pod("web-1", fill: Fill);
        Times.SetModified(Path.Combine(dir, "private"), AdversarialTree.Before1970);
        Times.SetModified(Path.Combine(dir, "empty"), AdversarialTree.After2038.AddTicks(1234567));
        var before = TreeSnapshot.Of(dir);

        // --force: the far-future mtime means the tree is never idle by the clock.
        var r = await CliRunner.RunAsync(s.Clock, "archive", dir, "--store", s.StoreUrl, "--liveness", "none", "--force", "--format", format, "--json");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.False(s.Exists("web-1"));

        var outDir = s.Tmp.Sub("extracted");
        var tar = Process.Start(new ProcessStartInfo("bash", ["-c", $"tar {tarFlags} '{s.Archives().Single()}' -C '{outDir}'"]) { RedirectStandardError = true })!;
        var stderr = await tar.StandardError.ReadToEndAsync();
        await tar.WaitForExitAsync();
        Assert.True(tar.ExitCode == 0, $"GNU tar failed (is zstd installed? tests/run.sh installs it): {stderr}");

        var after = TreeSnapshot.Of(Path.Combine(outDir, "web-1"));
        Assert.Empty(before.Diff(after));
        // Hard links come back as hard links.
        Assert.Equal(FileStatus.Get(Path.Combine(outDir, "web-1", "logs", "a.log")).Inode, FileStatus.Get(Path.Combine(outDir, "web-1", "hardlink.log")).Inode);
    }

    private static void Fill(string d)
    {
        var logs = Directory.CreateDirectory(Path.Combine(d, "logs")).FullName;
        File.WriteAllText(Path.Combine(logs, "a.log"), string.Concat(Enumerable.Range(0, 5000).Select(i => $"line {i}\n")));
        ExternalTool.Check("ln", Path.Combine(logs, "a.log"), Path.Combine(d, "hardlink.log"));
        File.WriteAllText(Path.Combine(d, "ünïcödé and spaces 日本.txt"), "unicode");
        File.WriteAllText(Path.Combine(d, new string('n', 255)), "long name");
        File.WriteAllBytes(Path.Combine(d, "empty"), []);
        Directory.CreateDirectory(Path.Combine(d, "empty-dir"));
        var deep = d;
        for (var i = 0; i < 12; i++)
        {
            deep = Directory.CreateDirectory(Path.Combine(deep, new string((char)('a' + i), 100))).FullName;
        }
        File.WriteAllText(Path.Combine(deep, "deep.txt"), "over 1 KiB of path");
        File.CreateSymbolicLink(Path.Combine(d, "long-link"), "/" + string.Join('/', Enumerable.Repeat("target-segment", 20)));
        File.CreateSymbolicLink(Path.Combine(d, "rel-link"), "logs/a.log");
        var setuid = Path.Combine(d, "setuid-bin");
        File.WriteAllText(setuid, "#!/bin/sh\n");
        File.SetUnixFileMode(setuid, (UnixFileMode)Convert.ToInt32("4755", 8));
        var secret = Path.Combine(d, "private");
        File.WriteAllText(secret, "p");
        File.SetUnixFileMode(secret, (UnixFileMode)Convert.ToInt32("0640", 8));
        var none = Path.Combine(d, "no-access");
        File.WriteAllText(none, "z");
        File.SetUnixFileMode(none, 0);
        File.WriteAllBytes(Path.Combine(d, "zeros.bin"), new byte[1 << 20]);
    }
}
