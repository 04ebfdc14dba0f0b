using System.Text;
using System.Text.RegularExpressions;
using Archiver;
using Archiver.Hosting;
using Archiver.Tests.Support;
using YamlDotNet.RepresentationModel;

namespace Archiver.Tests.Deploy;

/// <summary>
/// Keeps docs/operations.md and docs/troubleshooting.md true: every message of the troubleshooting
/// tables still exists in the code (and every message the code can produce is in those tables),
/// every metric the guide names is exported, their YAML (alert rules, scrape config) parses, and
/// the RBAC table matches deploy/daemonset/rbac.yaml.
/// </summary>
public partial class OperationsGuideTests
{
    private static readonly string Guide = File.ReadAllText(RepoRoot.Combine("docs", "operations.md"));

    /// <summary>docs/troubleshooting.md: the tables of every message, by area (operations.md,
    /// section 7, says where to look first and links here).</summary>
    private static readonly string Troubleshooting = File.ReadAllText(RepoRoot.Combine("docs", "troubleshooting.md"));

    /// <summary>Every C# file of the product, one string.</summary>
    private static readonly Lazy<string> RawSource = new(() => string.Join('\n',
        Directory.EnumerateFiles(RepoRoot.Combine("src", "Archiver"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(File.ReadAllText)));

    /// <summary>The source with concatenated literals joined ("a " + "b" → "a b"), escaped braces
    /// and quotes unescaped, so a message reads as it is printed, on one line.</summary>
    private static readonly Lazy<string> Source = new(() =>
        Concatenation().Replace(RawSource.Value, "").Replace("{{", "{").Replace("}}", "}").Replace("\\\"", "\""));

    [GeneratedRegex("\"\\s*\\+\\s*\\$?\"")]
    private static partial Regex Concatenation();

    /// <summary>A placeholder (<c>{name}</c>) or an elision (<c>...</c>) in a documented message.</summary>
    [GeneratedRegex(@"\{[^{}]*\}|\.\.\.")]
    private static partial Regex Placeholder();

    [GeneratedRegex(@"^\| `(?<m>[^`]+)` \|", RegexOptions.Multiline)]
    private static partial Regex TableMessage();

    [GeneratedRegex(@"archiver_[a-z_]+")]
    private static partial Regex MetricName();

    private static string Section(string heading)
    {
        var start = Guide.IndexOf("\n## " + heading, StringComparison.Ordinal);
        Assert.True(start >= 0, $"docs/operations.md has no section '## {heading}'");
        var end = Guide.IndexOf("\n## ", start + 4, StringComparison.Ordinal);
        return end < 0 ? Guide[start..] : Guide[start..end];
    }

    private static List<string> TroubleshootingMessages() =>
        TableMessage().Matches(Troubleshooting).Select(m => m.Groups["m"].Value).ToList();

    /// <summary>The rows of the troubleshooting tables, one string: where a message of the code
    /// must appear to count as documented (prose elsewhere does not count).</summary>
    private static string TroubleshootingTables() =>
        string.Join('\n', Troubleshooting.Split('\n').Where(l => l.StartsWith("| `", StringComparison.Ordinal)));

    [Fact]
    public void Troubleshooting_EveryMessageStillOccursInTheSource()
    {
        var messages = TroubleshootingMessages();
        Assert.True(messages.Count >= 150, $"the troubleshooting table lists only {messages.Count} messages");
        var problems = new List<string>();
        foreach (var message in messages)
        {
            var literals = Placeholder().Split(message);
            if (literals.Sum(l => l.Length) < 14 || literals.Max(l => l.Length) < 8)
            {
                problems.Add($"too little fixed text to be checked: {message}");
                continue;
            }
            // Placeholders stand for anything on the same line of source: an interpolation, a
            // Serilog property, or a message built elsewhere.
            var pattern = string.Join(".*?", literals.Select(Regex.Escape));
            if (!Regex.IsMatch(Source.Value, pattern, RegexOptions.None, TimeSpan.FromSeconds(10)))
                problems.Add($"not in src/Archiver: {message}");
        }
        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }

    [Fact]
    public void Troubleshooting_ListsNoMessageTwice()
    {
        var twice = TroubleshootingMessages().GroupBy(m => m).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.Empty(twice);
    }

    /// <summary>The other direction: what the code throws, refuses with, or reports as a usage or
    /// policy problem is in the troubleshooting tables. A message counts as documented when its
    /// longest fixed fragment appears in a row of them (messages with no fragment of 16+
    /// characters, internal guards and debug text are left out).</summary>
    [Fact]
    public void Troubleshooting_DocumentsEveryErrorMessageOfTheCode()
    {
        var tables = TroubleshootingTables();
        var missing = new List<string>();
        foreach (var (line, fragment) in SourceMessages())
        {
            if (!tables.Contains(fragment, StringComparison.Ordinal)) missing.Add($"{fragment}    <- {line.Trim()}");
        }
        Assert.True(missing.Count == 0, "messages in src/Archiver that the tables of docs/troubleshooting.md do not list:\n" + string.Join('\n', missing));
    }

    [GeneratedRegex(@"^(?<indent> *)```(?<language>\w*)\n(?<body>.*?)^\k<indent>```$", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex Fence();

    /// <summary>The fenced code blocks of <paramref name="markdown"/> with their language (may be
    /// empty); a block inside a list item loses its indentation.</summary>
    private static List<(string Language, string Body)> CodeBlocks(string markdown) =>
        Fence().Matches(markdown).Select(m => (m.Groups["language"].Value,
            Regex.Replace(m.Groups["body"].Value, "^" + m.Groups["indent"].Value, "", RegexOptions.Multiline))).ToList();

    [Fact]
    public void Guide_NamesOnlyMetricsTheDaemonExports_AndEveryOneOfThem()
    {
        var exported = new ArchiverMetrics().Families.Select(f => f.Name).ToHashSet();
        var named = MetricName().Matches(Guide + Troubleshooting).Select(m => Regex.Replace(m.Value, "_(bucket|sum|count)$", "")).ToHashSet();
        Assert.Empty(named.Except(exported));
        Assert.Empty(exported.Except(named));
    }

    [Fact]
    public void Guide_EveryYamlBlockParses()
    {
        var blocks = CodeBlocks(Guide + "\n" + Troubleshooting).Where(b => b.Language == "yaml").Select(b => b.Body).ToList();
        Assert.True(blocks.Count >= 3, $"only {blocks.Count} yaml blocks");
        foreach (var block in blocks)
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(block));
            Assert.NotEmpty(stream.Documents);
        }
    }

    [Fact]
    public void AlertRules_ShippedRulesCoverTheRequiredConditionsWithExportedMetrics_AndTheGuideListsEach()
    {
        var block = AlertRulesTests.KustomizeRules();
        var stream = new YamlStream();
        stream.Load(new StringReader(block));
        var groups = (YamlSequenceNode)((YamlMappingNode)stream.Documents[0].RootNode)["groups"];
        var rules = groups.Cast<YamlMappingNode>().SelectMany(g => (YamlSequenceNode)g["rules"]).Cast<YamlMappingNode>().ToList();
        var exported = new ArchiverMetrics().Families.Select(f => f.Name).ToHashSet();
        var used = new HashSet<string>();
        foreach (var rule in rules)
        {
            var name = ((YamlScalarNode)rule["alert"]).Value!;
            var expr = ((YamlScalarNode)rule["expr"]).Value!;
            Assert.Matches("^Archiver[A-Za-z]+$", name);
            Assert.NotNull(((YamlMappingNode)rule["annotations"])["summary"]);
            var metrics = MetricName().Matches(expr).Select(m => m.Value).ToList();
            if (name == "ArchiverPodsUnavailable") continue; // kube-state-metrics' series, not ours
            Assert.True(metrics.Count > 0, $"{name} uses no archiver metric");
            Assert.Empty(metrics.Except(exported));
            used.UnionWith(metrics);
        }
        Assert.Equal(rules.Count, rules.Select(r => ((YamlScalarNode)r["alert"]).Value).Distinct().Count());
        // sweep failing, pending bytes growing, last success too old, disk above the high
        // watermark, invalid policy, not ready
        foreach (var needed in new[] { "archiver_sweeps_total", "archiver_pending_bytes", "archiver_last_successful_sweep_timestamp_seconds", "archiver_pressure_high_ratio", "archiver_policy_invalid", "archiver_ready" })
            Assert.Contains(needed, used);
        foreach (var rule in rules) Assert.Contains($"| `{((YamlScalarNode)rule["alert"]).Value}` |", Section("6. Monitoring"));
    }

    [Fact]
    public void ScrapeConfig_AddsTheNodeLabelTheDashboardFiltersBy()
    {
        var block = CodeBlocks(Section("6. Monitoring")).Where(b => b.Language == "yaml").Select(b => b.Body).Single(b => b.StartsWith("scrape_configs:", StringComparison.Ordinal));
        var stream = new YamlStream();
        stream.Load(new StringReader(block));
        var job = (YamlMappingNode)((YamlSequenceNode)((YamlMappingNode)stream.Documents[0].RootNode)["scrape_configs"])[0];
        var relabels = ((YamlSequenceNode)job["relabel_configs"]).Cast<YamlMappingNode>().ToList();
        Assert.Contains(relabels, r =>
            r.Children.TryGetValue(new YamlScalarNode("target_label"), out var target) && ((YamlScalarNode)target).Value == "node"
            && ((YamlSequenceNode)r["source_labels"]).Cast<YamlScalarNode>().Single().Value == "__meta_kubernetes_pod_node_name");
        Assert.Contains("node=~\\\"$node\\\"", File.ReadAllText(RepoRoot.Combine("deploy", "grafana", "archiver.json")), StringComparison.Ordinal);
        // The annotations the relabeling reads are the ones the DaemonSet sets.
        var daemonSet = File.ReadAllText(RepoRoot.Combine("deploy", "daemonset", "daemonset.yaml"));
        foreach (var annotation in new[] { "prometheus.io/scrape: \"true\"", "prometheus.io/port: \"8080\"", "prometheus.io/path: /metrics" })
        {
            Assert.Contains(annotation, daemonSet, StringComparison.Ordinal);
            Assert.Contains(annotation.Replace("\"", "", StringComparison.Ordinal).Split(':')[0], Guide, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void RbacTable_ListsExactlyTheRulesOfTheManifest()
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(File.ReadAllText(RepoRoot.Combine("deploy", "daemonset", "rbac.yaml"))));
        var table = Section("3. RBAC").Split('\n').Where(l => l.StartsWith("| `", StringComparison.Ordinal)).ToList();
        var rules = stream.Documents.Select(d => (YamlMappingNode)d.RootNode)
            .Where(d => d.Children.ContainsKey(new YamlScalarNode("rules")))
            .SelectMany(d => ((YamlSequenceNode)d["rules"]).Cast<YamlMappingNode>())
            .ToList();
        Assert.Equal(rules.Count, table.Count);
        foreach (var rule in rules)
        {
            var resources = ((YamlSequenceNode)rule["resources"]).Cast<YamlScalarNode>().Select(s => s.Value!).ToList();
            var verbs = ((YamlSequenceNode)rule["verbs"]).Cast<YamlScalarNode>().Select(s => s.Value!).ToList();
            var row = table.SingleOrDefault(l => resources.All(r => l.Contains($"`{r}`", StringComparison.Ordinal)));
            Assert.True(row is not null, $"no RBAC row for {string.Join(", ", resources)}");
            var cell = row.Split('|')[1];
            Assert.Equal(verbs.Order(), Regex.Matches(cell, "`([a-z]+)`").Select(m => m.Groups[1].Value).Except(resources).Order());
        }
    }
}
