using System.Text.Json;
using System.Text.RegularExpressions;
using Archiver.Hosting;
using Archiver.Tests.Support;

namespace Archiver.Tests.Deploy;

public partial class GrafanaDashboardTests
{
    [GeneratedRegex(@"archiver_[a-z_]+")]
    private static partial Regex Metric();

    [Fact]
    public void Dashboard_QueriesOnlyMetricsTheDaemonExports()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(RepoRoot.Combine("deploy", "grafana", "archiver.json")));
        var exported = new ArchiverMetrics().Families.Select(f => f.Name).ToHashSet();
        var used = doc.RootElement.GetProperty("panels").EnumerateArray()
            .SelectMany(p => p.GetProperty("targets").EnumerateArray())
            .SelectMany(t => Metric().Matches(t.GetProperty("expr").GetString()!).Select(m => Regex.Replace(m.Value, "_(bucket|sum|count)$", "")))
            .ToHashSet();
        Assert.NotEmpty(used);
        Assert.Empty(used.Except(exported));
        foreach (var needed in new[] { "archiver_bytes_written_total", "archiver_pending_bytes", "archiver_sweeps_total", "archiver_failures_total", "archiver_filesystem_used_bytes", "archiver_pressure_high_ratio", "archiver_last_successful_sweep_timestamp_seconds" })
            Assert.Contains(needed, used);
    }
}
