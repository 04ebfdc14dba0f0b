using Archiver.Tests.Support;
using k8s;

namespace Archiver.Tests.Deploy;

/// <summary>
/// The objects <c>kubectl kustomize deploy/daemonset</c> renders are valid Kubernetes objects, as an
/// API server would judge them, offline. No kubeconform here: the validator is kubernetes-models
/// (npm; its validators are compiled from the Kubernetes 1.34+ OpenAPI spec: types, required
/// fields, enums, formats), run by <c>tests/k8s-schema/validate.mjs</c>. Its schemas allow unknown
/// fields, which KubernetesClient's strict loader (models generated from the same spec) refuses.
/// </summary>
public class DaemonSetSchemaTests
{
    internal static async Task<ProcessRunner.Result> ValidateAsync(string yaml)
    {
        Assert.True(Directory.Exists(RepoRoot.Combine("tests", "k8s-schema", "node_modules", "kubernetes-models")),
            "the schema validator is not installed: run npm ci --prefix tests/k8s-schema (tests/run.sh does)");
        using var tmp = new TempDir("schema");
        File.WriteAllText(tmp["rendered.yaml"], yaml);
        return await ProcessRunner.RunAsync("node", [RepoRoot.Combine("tests", "k8s-schema", "validate.mjs"), tmp["rendered.yaml"]]);
    }

    [Fact]
    public async Task Rendered_EveryObject_MatchesTheKubernetesSchema()
    {
        var yaml = await DaemonSetManifestTests.RenderYamlAsync();

        var r = await ValidateAsync(yaml);

        Assert.True(r.ExitCode == 0, r.ToString());
        var objects = KubernetesYaml.LoadAllFromString(yaml, strict: true);
        Assert.Equal(objects.Count, r.Out.Split('\n').Count(l => l.StartsWith("ok ", StringComparison.Ordinal)));
        Assert.Contains("ok DaemonSet/archiver", r.Out);
    }

    [Fact]
    public async Task RenderedMonitoring_EveryObject_MatchesThePrometheusOperatorSchema()
    {
        var yaml = await Archiver.Tests.Support.Deploy.Chart.KustomizeAsync("deploy/monitoring");

        var r = await ValidateAsync(yaml);

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("ok PodMonitor/archiver", r.Out);
        Assert.Contains("ok PrometheusRule/archiver", r.Out);
        var broken = await ValidateAsync(yaml.Replace("targetLabel: node", "targetLabel: [node]", StringComparison.Ordinal));
        Assert.Equal(1, broken.ExitCode);
    }

    [Theory]
    [InlineData("imagePullPolicy: IfNotPresent", "imagePullPolicy: Sometimes", "DaemonSet/archiver: data/spec/template/spec/containers/0/imagePullPolicy must be equal to one of the allowed values")]
    [InlineData("- containerPort: 8080", "- containerPort: \"8080\"", "DaemonSet/archiver: data/spec/template/spec/containers/0/ports/0/containerPort must be integer")]
    [InlineData("type: Directory", "type: Dir", "/hostPath/type must be equal to one of the allowed values")]
    [InlineData("kind: Namespace\n", "kind: Namespac\n", "no schema for apiVersion v1, kind Namespac")]
    public async Task Rendered_MutatedCopy_IsRefusedByTheSchema(string original, string mutated, string error)
    {
        var yaml = await DaemonSetManifestTests.RenderYamlAsync();
        Assert.Equal(1, yaml.Split(original).Length - 1);

        var r = await ValidateAsync(yaml.Replace(original, mutated, StringComparison.Ordinal));

        Assert.Equal(1, r.ExitCode);
        Assert.Contains(error, r.Out);
    }

    [Fact]
    public async Task Rendered_UnknownField_IsRefusedByTheStrictLoader()
    {
        var yaml = await DaemonSetManifestTests.RenderYamlAsync();
        Assert.Contains("imagePullPolicy:", yaml);

        var e = Assert.ThrowsAny<Exception>(() => KubernetesYaml.LoadAllFromString(yaml.Replace("imagePullPolicy:", "imagePullPolicyy:", StringComparison.Ordinal), strict: true));
        Assert.Contains("imagePullPolicyy", e.Message);
    }
}
