using System.Text.RegularExpressions;
using Archiver.Tests.Support;
using k8s;
using k8s.Models;
using YamlDotNet.RepresentationModel;

namespace Archiver.Tests.Deploy;

/// <summary>
/// The Helm chart, checked without helm: no helm binary can be installed from the package
/// registries this project's machines reach. So: every value the templates use exists in
/// values.yaml, the RBAC template (plain substitutions only) renders to exactly the kustomize
/// rules, and the DaemonSet template keeps the same safety settings.
/// </summary>
public partial class HelmChartTests
{
    private static readonly string Chart = RepoRoot.Combine("deploy", "helm", "archiver");

    [GeneratedRegex(@"\.Values((?:\.[A-Za-z]+)+)")]
    private static partial Regex ValuesReference();

    [Fact]
    public void Templates_UseOnlyValuesThatValuesYamlDefines()
    {
        var values = new YamlStream();
        values.Load(new StringReader(File.ReadAllText(Path.Combine(Chart, "values.yaml"))));
        var root = (YamlMappingNode)values.Documents[0].RootNode;
        foreach (var template in Directory.EnumerateFiles(Path.Combine(Chart, "templates")))
        {
            foreach (Match m in ValuesReference().Matches(File.ReadAllText(template)))
            {
                YamlNode node = root;
                foreach (var part in m.Groups[1].Value.Split('.', StringSplitOptions.RemoveEmptyEntries))
                {
                    Assert.True(node is YamlMappingNode map && map.Children.TryGetValue(new YamlScalarNode(part), out node!),
                        $"{Path.GetFileName(template)} uses .Values{m.Groups[1].Value}, which values.yaml does not define");
                }
            }
        }
        var tag = ((YamlScalarNode)((YamlMappingNode)root.Children[new YamlScalarNode("image")]).Children[new YamlScalarNode("tag")]).Value;
        Assert.Matches(@"^\d+\.\d+\.\d+$", tag);
    }

    [Fact]
    public async Task RbacTemplate_GrantsTheSameRulesAsKustomize()
    {
        var text = File.ReadAllText(Path.Combine(Chart, "templates", "rbac.yaml"))
            .Replace("{{ .Release.Name }}", "archiver", StringComparison.Ordinal)
            .Replace("{{ .Release.Namespace }}", "archiver", StringComparison.Ordinal);
        Assert.DoesNotContain("{{", text);
        var helm = KubernetesYaml.LoadAllFromString(text, strict: true);
        var rendered = await ProcessRunner.RunAsync("kubectl", ["kustomize", "deploy/daemonset"]);
        var kustomize = KubernetesYaml.LoadAllFromString(rendered.Out, strict: true);
        string Rules<T>(IEnumerable<object> objects, Func<T, IList<V1PolicyRule>> rules) =>
            KubernetesJson.Serialize(objects.OfType<T>().SelectMany(rules).ToList());
        Assert.Equal(Rules<V1ClusterRole>(kustomize, r => r.Rules), Rules<V1ClusterRole>(helm, r => r.Rules));
        Assert.Equal(Rules<V1Role>(kustomize, r => r.Rules), Rules<V1Role>(helm, r => r.Rules));
    }

    [Fact]
    public void DaemonSetTemplate_KeepsTheSafetySettings()
    {
        var text = File.ReadAllText(Path.Combine(Chart, "templates", "daemonset.yaml"));
        foreach (var expected in new[]
        {
            "type: Directory", "fieldPath: spec.nodeName", "path: /healthz", "path: /readyz", "readOnlyRootFilesystem: true",
            "allowPrivilegeEscalation: false", "type: RuntimeDefault", "drop: [\"ALL\"]", "add: [\"DAC_READ_SEARCH\", \"DAC_OVERRIDE\", \"FOWNER\"]",
        })
        {
            Assert.Contains(expected, text);
        }
    }
}
