using Archiver.Cli.Commands;
using Archiver.Composition;
using Archiver.Hosting;
using Archiver.Policies;
using Archiver.Tests.Support;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace Archiver.Tests.Hosting;

/// <summary>The daemon's policy fields (jitter, runOnStart, pressure, retention, keepLocalFor) and
/// what <c>policies validate</c> shows about schedules.</summary>
public class DaemonPolicyFieldsTests
{
    private const string Base = "name: logs\nroot: /data\nstore: file:///var/archive\n";

    private static (Policy? Policy, List<PolicyProblem> Problems) Load(string extra)
    {
        var problems = new List<PolicyProblem>();
        var policy = PolicyLoader.Load(Base + extra, "logs.yaml", problems, StoreFactory.Validate);
        return (policy, problems.Where(p => !p.IsWarning).ToList());
    }

    [Fact]
    public void Load_AllDaemonFields_Parsed()
    {
        var (p, problems) = Load("jitter: 5m\nrunOnStart: true\npressure: {high: 85%, low: 75%, minIdle: 10m}\nretention: {remoteFor: 180d}\nafterUpload: keep\nkeepLocalFor: 7d\n");
        Assert.Empty(problems);
        Assert.Equal(TimeSpan.FromMinutes(5), p!.Jitter);
        Assert.True(p.RunOnStart);
        Assert.Equal(new PressureSpec(85, 75, TimeSpan.FromMinutes(10)), p.Pressure);
        Assert.Equal(TimeSpan.FromDays(180), p.RemoteFor);
        Assert.Equal(TimeSpan.FromDays(7), p.KeepLocalFor);
    }

    [Theory]
    [InlineData("pressure: {high: 85%, low: 90%}\n", 4, "pressure.low (90%) must be below pressure.high (85%)")]
    [InlineData("pressure:\n  high: 120%\n", 5, "pressure.high: '120%' must be a percentage")]
    [InlineData("pressure: {low: 50%}\n", 4, "pressure needs high")]
    [InlineData("retention: {remoteFor: 2h}\n", 4, "under 1d")]
    [InlineData("retention: {keepFor: 30d}\n", 4, "unknown field 'retention.keepFor'")]
    [InlineData("jitter: 2h\n", 4, "longer than 1h")]
    [InlineData("runOnStart: yes\n", 4, "must be true or false")]
    public void Load_BadDaemonField_ErrorWithLineAndWhatToDo(string extra, int line, string message)
    {
        var (_, problems) = Load(extra);
        var problem = Assert.Single(problems);
        Assert.Equal(line, problem.Line);
        Assert.Contains(message, problem.Message);
    }

    [Fact]
    public void Load_PressureWithoutLow_LowIsTenBelowHigh()
    {
        Assert.Equal(new PressureSpec(90, 80, TimeSpan.FromMinutes(10)), Load("pressure: {high: 90}\n").Policy!.Pressure);
    }

    [Fact]
    public async Task PoliciesValidate_UnixAndQuartzCron_PrintsNextRunsInThePolicyZone()
    {
        using var tmp = new TempDir("validate");
        File.WriteAllText(tmp["unix.yaml"], $"name: unix\nroot: {tmp.Sub("u")}\nstore: file://{tmp.Path}/s\nschedule: \"*/15 * * * *\"\n");
        File.WriteAllText(tmp["quartz.yaml"], $"name: quartz\nroot: {tmp.Sub("q")}\nstore: file://{tmp.Path}/s\nschedule: \"0 30 3 * * ?\"\ntimeZone: Asia/Shanghai\n");
        // 10:07 UTC today is 18:07 in Shanghai: its next 03:30 is tomorrow's.
        var clock = new FakeTimeProvider(SceneClock.TodayAt(new TimeSpan(10, 7, 0)));
        string Day(int days) => clock.GetUtcNow().AddDays(days).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

        var result = await Support.CliRunner.RunAsync(clock, "policies", "validate", tmp.Path);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains($"next runs (UTC): {Day(0)} 10:15:00 +00:00, {Day(0)} 10:30:00 +00:00, {Day(0)} 10:45:00 +00:00", result.Out);
        Assert.Contains($"next runs (Asia/Shanghai): {Day(1)} 03:30:00 +08:00, {Day(2)} 03:30:00 +08:00", result.Out);
    }

    [Theory]
    [InlineData(":8080", "0.0.0.0:8080")]
    [InlineData("127.0.0.1:0", "127.0.0.1:0")]
    [InlineData("[::1]:9090", "[::1]:9090")]
    public void TryParseListen_CommonForms_Parsed(string text, string expected)
    {
        Assert.True(RunCommand.TryParseListen(text, out var endpoint));
        Assert.Equal(expected, endpoint.ToString());
    }

    [Theory]
    [InlineData("8080")]
    [InlineData("localhost:8080")]
    [InlineData(":99999")]
    public void TryParseListen_Bad_Rejected(string text) => Assert.False(RunCommand.TryParseListen(text, out _));

    [Fact]
    public async Task Run_MissingPolicies_UsageErrorNothingStarted()
    {
        var result = await Support.CliRunner.RunAsync("run", "--listen", "nonsense");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--policies DIR is required", result.Error);
        Assert.Contains("--listen 'nonsense'", result.Error);
    }

    [Fact]
    public void Metrics_LabelValuesWithQuotes_EscapedInExposition()
    {
        var metrics = new ArchiverMetrics();
        metrics.PolicyInvalid.Set(1, "/etc/a \"b\"\\c.yaml");
        Assert.Contains("archiver_policy_invalid{file=\"/etc/a \\\"b\\\"\\\\c.yaml\"} 1\n", metrics.Render());
    }
}
