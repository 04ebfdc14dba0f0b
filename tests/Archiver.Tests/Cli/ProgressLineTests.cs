using System.Collections.Concurrent;
using Archiver.Archives;
using Archiver.Cli;
using Archiver.Stores;
using Archiver.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace Archiver.Tests.Cli;

/// <summary>The live progress line, drawn into a writer that stands for the terminal, on a fake
/// clock; and the commands that must never draw it (stderr redirected, or --json).</summary>
public sealed class ProgressLineTests
{
    private const long MiB = 1 << 20;

    private static (ProgressLine Line, StringWriter Screen, FakeTimeProvider Clock) NewLine()
    {
        var clock = SceneClock.Start();
        var screen = new StringWriter();
        return (new ProgressLine(screen, clock, width: 120), screen, clock);
    }

    /// <summary>What the terminal shows now: the text after the last carriage return.</summary>
    private static string Shown(StringWriter screen) => screen.ToString().Split('\r')[^1].TrimEnd();

    [Fact]
    public void Add_TwoDirectoriesHalfDoneAfterTenSeconds_ShowsBytesOfTotalRateEtaAndEachDirectory()
    {
        var (line, screen, clock) = NewLine();
        line.Expect("web-0", 100 * MiB);
        line.Expect("db-1", 100 * MiB);
        line.Expect("job-2", 200 * MiB);

        clock.Advance(TimeSpan.FromSeconds(10));
        line.Add("web-0", 80 * MiB);
        line.Add("db-1", 20 * MiB);
        clock.Advance(ProgressLine.Interval);
        line.Add("db-1", 0);

        Assert.Equal("100.0 MiB of 400.0 MiB (25%), 9.8 MiB/s, ETA 0:30; web-0 80.0 MiB of 100.0 MiB; db-1 20.0 MiB of 100.0 MiB", Shown(screen).Trim());
    }

    [Fact]
    public void Finished_Directory_CountsWholeAndLeavesTheLine()
    {
        var (line, screen, clock) = NewLine();
        line.Expect("web-0", 10 * MiB);
        line.Expect("db-1", 30 * MiB);
        line.Add("web-0", 4 * MiB);
        clock.Advance(TimeSpan.FromSeconds(2));

        line.Finished("web-0");

        Assert.StartsWith("10.0 MiB of 40.0 MiB (25%), 5.0 MiB/s, ETA 0:06", Shown(screen).Trim());
        Assert.DoesNotContain("web-0", Shown(screen));
    }

    [Fact]
    public void Add_ManyTimesWithinTheInterval_DrawsOnce()
    {
        var (line, screen, clock) = NewLine();
        line.Expect("web-0", 1000 * MiB);

        for (var i = 0; i < 1000; i++)
        {
            line.Add("web-0", MiB);
            clock.Advance(TimeSpan.FromMilliseconds(1));
        }

        Assert.Equal(4, screen.ToString().Count(c => c == '\r'));
        Assert.StartsWith("751.0 MiB of 1000.0 MiB (75%)", Shown(screen).Trim());
    }

    [Fact]
    public void Add_BeforeAnyTimePassed_EtaUnknownAndOverlongLineCutToWidth()
    {
        var clock = SceneClock.Start();
        var screen = new StringWriter();
        var line = new ProgressLine(screen, clock, width: 30);
        line.Expect("a", 10);

        line.Add("a", 1);

        Assert.Equal("\r  1 B of 10 B (10%), 0 B/s, ET", screen.ToString());
        Assert.Contains("ETA ?", line.Text());
    }

    [Fact]
    public void ClearAndEnd_EraseTheLineForOtherOutputAndFinishOnANewLine()
    {
        var (line, screen, _) = NewLine();
        line.Expect("a", 10);
        line.Add("a", 10);

        line.Clear();
        var cleared = screen.ToString();
        line.End();

        Assert.EndsWith("\r" + new string(' ', 120) + "\r", cleared);
        Assert.Equal(cleared, screen.ToString());
        line.Add("a", 0);
        line.End();
        Assert.EndsWith(Environment.NewLine, screen.ToString());
        Assert.Contains("10 B of 10 B (100%)", screen.ToString());
    }

    [Fact]
    public async Task ForStderr_JsonOrRedirected_IsNull()
    {
        var lines = await Task.Run(() =>
        {
            Terminal.Use(new CliConsole(new StringWriter(), new StringWriter(), () => new MemoryStream(), OutIsTerminal: false, ErrorIsInteractive: false));
            return new[] { ProgressLine.ForStderr(json: false, TimeProvider.System), ProgressLine.ForStderr(json: true, TimeProvider.System) };
        });

        Assert.All(lines, Assert.Null);
    }

    [Fact]
    public async Task Commands_StderrNotATerminal_DrawNoProgress()
    {
        using var s = new SweepScene();
        s.Pod("web-0", TimeSpan.FromDays(2), d => File.WriteAllBytes(Path.Combine(d, "big.bin"), new byte[3 << 20]));

        var sweep = await CliRunner.RunAsync(s.Clock, "sweep", "--root", s.Root, "--store", s.StoreUrl, "--liveness", "none", "--idle-for", "1h", "--node", "node-a");
        s.Pod("db-1", TimeSpan.FromDays(2));
        var json = await s.SweepAsync();
        var key = s.Archives().Select(a => Path.GetRelativePath(s.StoreDir, a)).First(k => k.Contains("web-0", StringComparison.Ordinal));
        var cat = await CliRunner.RunAsync("cat", key, "big.bin", "--store", s.StoreUrl);
        var restore = await CliRunner.RunAsync("restore", key, "--store", s.StoreUrl, "--to", s.Tmp["out"]);

        foreach (var r in new[] { sweep, json, cat, restore })
        {
            Assert.True(r.ExitCode == 0, r.ToString());
            Assert.DoesNotContain('\r', r.Error + r.Out);
            Assert.DoesNotContain("ETA", r.Error + r.Out);
        }
    }

    [Fact]
    public async Task ArchiveStage_BytesArchived_AddsUpToTheTarStreamOfEachDirectory()
    {
        using var s = new SweepScene();
        s.Pod("web-0", TimeSpan.FromDays(2), d => File.WriteAllBytes(Path.Combine(d, "big.bin"), new byte[3 << 20]));
        s.Pod("db-1", TimeSpan.FromDays(2));
        var seen = new ConcurrentDictionary<string, long>();
        long largest = 0;
        var ctx = PipelineHarness.Context(s, new FileArchiveStore(s.StoreDir)) with
        {
            BytesArchived = (dir, n) =>
            {
                seen.AddOrUpdate(dir, n, (_, t) => t + n);
                lock (seen) largest = Math.Max(largest, n);
            },
        };

        var outcomes = await PipelineHarness.SweepAsync(ctx);

        Assert.All(outcomes, o => Assert.False(o.Failed, o.ToString()));
        Assert.Equal(2, outcomes.Count(o => o.Deleted));
        var archives = s.Archives();
        Assert.Equal(2, archives.Count);
        foreach (var archive in archives)
        {
            var manifest = SweepScene.ManifestOf(archive);
            Assert.Equal(manifest.Index!.TarSize, seen[manifest.Source.Dir]);
        }
        Assert.Equal(2, seen.Count);
        Assert.True(largest <= 256 << 10, $"a report of {largest} bytes: the line would move in jumps, not while a file is read");
    }
}
