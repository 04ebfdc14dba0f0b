using System.Text.RegularExpressions;
using Archiver.Hosting;
using Archiver.Tests.Support;
using Archiver.Tests.Support.Deploy;
using YamlDotNet.RepresentationModel;

namespace Archiver.Tests.Deploy;

/// <summary>
/// The shipped alert rules (deploy/monitoring/prometheusrule.yaml, the chart's
/// files/archiver-rules.yaml) are one set, valid for Prometheus itself (promtool from Debian's
/// prometheus package: check rules, and test rules with tests/monitoring/archiver-rules.test.yaml),
/// and name only metrics the daemon exposes.
/// </summary>
public partial class AlertRulesTests
{
    [GeneratedRegex(@"\barchiver_[a-z_]+")]
    private static partial Regex MetricName();

    /// <summary>The PrometheusRule's spec, as a plain Prometheus rules file.</summary>
    internal static string KustomizeRules()
    {
        var text = File.ReadAllText(RepoRoot.Combine("deploy", "monitoring", "prometheusrule.yaml"));
        var spec = text[(text.IndexOf("\nspec:\n", StringComparison.Ordinal) + "\nspec:\n".Length)..];
        return string.Concat(spec.Split('\n').Select(l => (l.StartsWith("  ", StringComparison.Ordinal) ? l[2..] : l) + "\n")).TrimEnd() + "\n";
    }

    private static string ChartRules() => File.ReadAllText(RepoRoot.Combine("deploy", "helm", "archiver", "files", "archiver-rules.yaml"));

    [Fact]
    public void ChartAndKustomize_ShipTheSameRules()
    {
        Assert.Equal(Manifests.Canonical(Manifests.Parse("kind: Rules\nmetadata: {name: x}\n" + KustomizeRules()).Values.Single()),
            Manifests.Canonical(Manifests.Parse("kind: Rules\nmetadata: {name: x}\n" + ChartRules()).Values.Single()));
    }

    [Fact]
    public async Task Rules_PassPromtoolCheckAndItsUnitTests()
    {
        using var tmp = new TempDir("rules");
        File.WriteAllText(tmp["archiver-rules.yaml"], KustomizeRules());
        File.Copy(RepoRoot.Combine("tests", "monitoring", "archiver-rules.test.yaml"), tmp["archiver-rules.test.yaml"]);

        var check = await ProcessRunner.RunAsync("promtool", ["check", "rules", tmp["archiver-rules.yaml"]]);
        var test = await ProcessRunner.RunAsync("promtool", ["test", "rules", tmp["archiver-rules.test.yaml"]]);

        Assert.True(check.ExitCode == 0, check.ToString());
        var alerts = new YamlStream();
        alerts.Load(new StringReader(KustomizeRules()));
        var count = ((YamlSequenceNode)((YamlMappingNode)((YamlSequenceNode)((YamlMappingNode)alerts.Documents[0].RootNode)["groups"])[0])["rules"]).Children.Count;
        Assert.Contains($"SUCCESS: {count} rules found", check.Out);
        Assert.True(test.ExitCode == 0, test.ToString());
        Assert.Contains("SUCCESS", test.Out);
    }

    [Fact]
    public void Rules_NameOnlyMetricsTheDaemonExposes()
    {
        var exposed = new ArchiverMetrics().Families.Select(f => f.Name).ToHashSet(StringComparer.Ordinal);
        var used = MetricName().Matches(KustomizeRules()).Select(m => m.Value).Distinct().ToList();

        Assert.Contains("archiver_sweeps_total", used);
        Assert.All(used, name => Assert.True(exposed.Contains(name), $"the rules use {name}, which the daemon does not expose"));
        Assert.Contains("result=\"no-root\"", KustomizeRules());
    }
}
