using System.Security.Cryptography;
using Archiver.Tests.Support;
using Xunit;

namespace Archiver.Tests.Hosting;

/// <summary>The real binary as a child process: SIGTERM in the middle of a large upload.</summary>
public class SigtermTests
{
    private static string[] Partials(string store) =>
        Directory.Exists(store) ? Directory.EnumerateFiles(store, "*.partial-*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 }).ToArray() : [];

    [Fact]
    public async Task Sigterm_DuringLargeUpload_ExitsInGraceDeletesNothingLeavesNoPartialAndRestartFinishes()
    {
        using var tmp = new TempDir("sigterm");
        var root = tmp.Sub("data");
        var store = tmp.Sub("store");
        var pod = Directory.CreateDirectory(Path.Combine(root, "big-0")).FullName;
        // Base64 of random bytes: deflate works through it at its usual speed (~45 MB/s a core), so
        // the upload lasts seconds and is seen under way however loaded the machine is. Random bytes
        // are stored as they are (Incompressible) at over 2 GB/s: the whole 80 MiB took ~50 ms, and a
        // poll every 50 ms on a loaded machine could miss it, then wait for nothing.
        var raw = new byte[3 << 18];
        for (var f = 0; f < 4; f++)
        {
            using var file = File.Create(Path.Combine(pod, $"part{f}.txt"));
            for (var i = 0; i < 20; i++)
            {
                RandomNumberGenerator.Fill(raw);
                file.Write(System.Text.Encoding.ASCII.GetBytes(Convert.ToBase64String(raw)));
            }
        }
        PodTree.SetTreeTime(pod, DateTimeOffset.UtcNow.AddDays(-3));
        var before = Directory.EnumerateFiles(pod).ToDictionary(f => f, f => new FileInfo(f).Length);
        HostingKit.WritePolicy(tmp.Sub("policies"), "logs", root, store, "schedule: \"0 3 * * *\"\nrunOnStart: true");

        using (var first = new DaemonProcess(tmp["policies"]))
        {
            await HostingKit.WaitUntilAsync(() => Partials(store).Any(p => new FileInfo(p).Length > 1 << 20) || first.HasExited, 60, "the upload to be under way");
            Assert.False(first.HasExited, first.Output);
            var (code, took) = await first.TerminateAsync();

            Assert.True(code == 0, $"exit {code}\n{first.Output}");
            Assert.True(took < TimeSpan.FromSeconds(10), $"took {took} (grace 10s)\n{first.Output}");
            Assert.Contains("cancelled", first.Output);
        }
        Assert.Equal(before, Directory.EnumerateFiles(pod).ToDictionary(f => f, f => new FileInfo(f).Length));
        Assert.Empty(Partials(store));
        Assert.Empty(Directory.EnumerateFiles(store, "*.tar.gz", SearchOption.AllDirectories));

        using (var second = new DaemonProcess(tmp["policies"]))
        {
            await HostingKit.WaitUntilAsync(() => !Directory.Exists(pod) || second.HasExited, 120, "the restarted daemon to finish the job");
            Assert.False(second.HasExited, second.Output);
            var (code, _) = await second.TerminateAsync();
            Assert.True(code == 0, $"exit {code}\n{second.Output}");
        }
        Assert.Single(Directory.EnumerateFiles(store, "*.tar.gz", SearchOption.AllDirectories));
        Assert.Single(Directory.EnumerateFiles(store, "*.tar.gz.manifest.json", SearchOption.AllDirectories));
        Assert.Empty(Partials(store));
    }
}
