using Archiver.Cli;
using Archiver.Policies;
using Archiver.Tests.Support;

namespace Archiver.Tests.Cli;

/// <summary>The option table's parser: values are checked as declared, and a value option never
/// takes the next option as its value.</summary>
public class ArgParserTests
{
    [Fact]
    public async Task Sweep_ValueOptionFollowedByAFlag_IsRefusedAndNothingIsTouched()
    {
        using var s = new SweepScene();
        s.Pod("web-1");
        var before = s.Snapshot();

        var r = await CliRunner.RunAsync(s.Clock, "sweep", "--root", s.Root, "--liveness", "none", "--idle-for", "1h", "--store", "--dry-run");

        Assert.True(r.ExitCode == 2, r.ToString());
        Assert.Contains("--store needs a value, but --dry-run follows it", r.Error);
        Assert.Empty(before.Diff(s.Snapshot()));
    }

    [Fact]
    public void Parse_ValueStartingWithDashes_IsTakenWhenGivenWithEquals()
    {
        var a = new ArgParser(["--store=--odd", "--node", "-5", "--dry-run"], [CommonOptions.Store, CommonOptions.Node, CommonOptions.DryRun]);

        Assert.Empty(a.Errors);
        Assert.Equal("--odd", a.Get("--store"));
        Assert.Equal("-5", a.Get("--node"));
        Assert.True(a.Has("--dry-run"));
    }

    [Fact]
    public void Parse_ShortGlobalFlagAfterAValueOption_IsNotSwallowed()
    {
        var a = new ArgParser(["--node", "-v"], [CommonOptions.Node]);

        Assert.Equal(["--node needs a value, but -v follows it; a value that starts with -- is written --node=VALUE"], a.Errors);
    }

    [Fact]
    public void Parse_EveryProblem_IsReportedAtOnce()
    {
        var a = new ArgParser(["--concurrency", "0", "--format", "zip", "--idle-for", "soon", "--log-level", "loud", "--dry-run=yes", "--store"],
            [.. SweepFlags.Options, CommonOptions.DryRun]);

        Assert.Equal(
        [
            "--concurrency: '0' must be a whole number from 1 to 64",
            "--format: 'zip' is not one of tar.gz, tar.zst",
            "--idle-for: 'soon' is not a duration; write a number and a unit, e.g. 30m, 24h, 7d or 1d12h (units: w d h m s ms)",
            "--log-level: 'loud' is not one of Verbose, Debug, Information, Warning, Error, Fatal",
            "--dry-run takes no value",
            "--store needs a value",
        ], a.Errors);
    }

    [Fact]
    public void Parse_LogLevel_IgnoresCaseAsSerilogDoes()
    {
        Assert.Empty(new ArgParser(["--log-level", "debug"], []).Errors);
        Assert.Empty(new ArgParser(["--log-level=Verbose"], []).Errors);
    }

    [Fact]
    public void Get_OptionTheCommandDidNotDeclare_IsAProgrammingError()
    {
        var a = new ArgParser([], [CommonOptions.Store]);

        Assert.Throws<InvalidOperationException>(() => a.Get("--policy"));
    }

    /// <summary>The flag and the policy field read one definition: the same range, the same words.</summary>
    [Theory]
    [InlineData("0")]
    [InlineData("65")]
    public async Task Concurrency_FlagAndPolicyField_RefuseTheSameValuesWithTheSameMessage(string value)
    {
        using var s = new SweepScene();
        var range = SharedFields.Concurrency.Range;
        var expected = $"'{value}' must be a whole number from {range.Min} to {range.Max}";
        File.WriteAllText(s.Tmp["p.yaml"], $"name: p\nroot: {s.Root}\nstore: {s.StoreUrl}\nliveness: none\nconcurrency: {value}\n");

        var flag = await CliRunner.RunAsync(s.Clock, "sweep", "--root", s.Root, "--store", s.StoreUrl, "--liveness", "none", "--concurrency", value);
        var field = await CliRunner.RunAsync(s.Clock, "policies", "validate", s.Tmp["p.yaml"]);

        Assert.True(flag.ExitCode == 2, flag.ToString());
        Assert.True(field.ExitCode == 2, field.ToString());
        Assert.Contains($"--concurrency: {expected}", flag.Error);
        Assert.Contains($"concurrency: {expected}", field.Error);
    }

    [Fact]
    public async Task Concurrency_HelpShowsTheFieldsRangeAndDefault()
    {
        var r = await CliRunner.RunAsync("sweep", "--help");

        var f = SharedFields.Concurrency;
        Assert.Contains($"({f.Range.Min}-{f.Range.Max}, policy field concurrency, default {f.Default})", r.Out);
        Assert.Equal(f.Default, new Policy().Concurrency);
    }

    [Fact]
    public async Task Run_IntervalsItUsedToAcceptUnlisted_AreListedAndChecked()
    {
        var help = await CliRunner.RunAsync("run", "--help");
        var r = await CliRunner.RunAsync("run", "--policies", "/nonexistent", "--reload-interval", "0", "--pressure-interval", "soon");

        Assert.Contains("--reload-interval DUR", help.Out);
        Assert.Contains("--pressure-interval DUR", help.Out);
        Assert.True(r.ExitCode == 2, r.ToString());
        Assert.Contains("--reload-interval: must be more than 0", r.Error);
        Assert.Contains("--pressure-interval: 'soon' is not a duration", r.Error);
    }
}
