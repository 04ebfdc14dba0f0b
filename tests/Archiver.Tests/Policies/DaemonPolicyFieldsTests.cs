using Archiver.Composition;
using Archiver.Policies;
using Xunit;

namespace Archiver.Tests.Policies;

/// <summary>The daemon's policy fields (jitter, runOnStart, pressure, retention, keepLocalFor): read,
/// and every mistake reported with its line and what to write.</summary>
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
}
