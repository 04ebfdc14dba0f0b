using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Archiver.Tests.Support;
using Archiver.Tests.Support.Deploy;
using k8s;
using k8s.Models;
using YamlDotNet.RepresentationModel;

namespace Archiver.Tests.Deploy;

/// <summary>
/// The Helm chart, rendered as <c>helm template</c> renders it (<see cref="Chart"/>), installs what
/// <c>kubectl apply -k deploy/daemonset</c> installs: the same objects with the same names, labels,
/// arguments, mounts, policy and defaults; its extra values take effect and render valid objects;
/// what could never run is refused at render time.
/// </summary>
public partial class HelmChartTests
{
    /// <summary>Labels helm adds to track its release; a kustomize install has no release.</summary>
    private static readonly string[] HelmOnlyLabels = ["app.kubernetes.io/managed-by", "helm.sh/chart"];

    [GeneratedRegex(@"\.Values((?:\.[A-Za-z]+)+)")]
    private static partial Regex ValuesReference();

    [GeneratedRegex("^archiver-policies-[a-z0-9]{10}$")]
    private static partial Regex HashedPolicies();

    /// <summary>Takes out what differs by design: helm's bookkeeping labels; kustomize's hash suffix on
    /// the ConfigMap's name and helm's checksum annotation, the two ways each rolls pods on a change.</summary>
    private static Dictionary<string, JsonObject> Comparable(string yaml)
    {
        var objects = Manifests.Parse(yaml);
        var result = new Dictionary<string, JsonObject>(StringComparer.Ordinal);
        foreach (var (key, o) in objects)
        {
            if (o["metadata"]?["labels"] is JsonObject labels)
            {
                foreach (var l in HelmOnlyLabels) labels.Remove(l);
            }
            if (o["kind"]!.GetValue<string>() == "ConfigMap" && HashedPolicies().IsMatch(o["metadata"]!["name"]!.GetValue<string>()))
                o["metadata"]!["name"] = "archiver-policies";
            if (o["kind"]!.GetValue<string>() == "DaemonSet")
            {
                (o["spec"]!["template"]!["metadata"]!["annotations"] as JsonObject)!.Remove("checksum/policies");
                foreach (var v in o["spec"]!["template"]!["spec"]!["volumes"]!.AsArray())
                {
                    if (v!["configMap"] is JsonObject cm && HashedPolicies().IsMatch(cm["name"]!.GetValue<string>())) cm["name"] = "archiver-policies";
                }
            }
            result[$"{o["kind"]}/{o["metadata"]!["name"]}"] = o;
        }
        return result;
    }

    private static void AssertSameObjects(Dictionary<string, JsonObject> expected, Dictionary<string, JsonObject> actual)
    {
        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), actual.Keys.Order(StringComparer.Ordinal));
        foreach (var (key, o) in expected) Assert.True(Manifests.Canonical(o) == Manifests.Canonical(actual[key]), $"{key} differs:\nkustomize {Manifests.Canonical(o)}\nhelm {Manifests.Canonical(actual[key])}");
    }

    [Fact]
    public async Task DefaultValues_InstallTheSameObjectsAsKustomize()
    {
        var kustomize = Comparable(await Chart.KustomizeAsync("deploy/daemonset"));
        var helm = Comparable(await Chart.RenderAsync());

        // The one object only kustomize makes: helm installs into a namespace that exists (values.yaml
        // says how to create and label it).
        Assert.Equal("privileged", kustomize["Namespace/archiver"]["metadata"]!["labels"]!["pod-security.kubernetes.io/enforce"]!.GetValue<string>());
        Assert.Contains("pod-security.kubernetes.io/enforce=privileged", File.ReadAllText(Path.Combine(Chart.Directory, "values.yaml")));
        kustomize.Remove("Namespace/archiver");
        AssertSameObjects(kustomize, helm);
    }

    [Fact]
    public async Task MonitoringValues_InstallTheSameObjectsAsDeployMonitoring()
    {
        var kustomize = Comparable(await Chart.KustomizeAsync("deploy/monitoring"));
        var helm = Comparable(await Chart.RenderAsync(set: ["metrics.podMonitor.enabled=true", "prometheusRule.enabled=true"]));

        AssertSameObjects(kustomize, new(helm.Where(kv => kv.Key.StartsWith("PodMonitor/", StringComparison.Ordinal) || kv.Key.StartsWith("PrometheusRule/", StringComparison.Ordinal))));
    }

    [Fact]
    public async Task AnotherReleaseName_KeepsTheNamesCloudTrustPoliciesName()
    {
        var helm = Manifests.Parse(await Chart.RenderAsync(release: "prod-archiver"));

        Assert.Contains("ServiceAccount/archiver", helm.Keys);
        Assert.Equal("archiver", helm["DaemonSet/archiver"]["spec"]!["template"]!["spec"]!["serviceAccountName"]!.GetValue<string>());
        Assert.Equal("archiver", helm["ClusterRoleBinding/archiver"]["subjects"]![0]!["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task EveryExtraValue_TakesEffectAndRendersValidObjects()
    {
        const string values = """
            image: {tag: "9.9.9"}
            imagePullSecrets: [{name: regcred}]
            nodeSelector: {kubernetes.io/os: linux}
            affinity:
              nodeAffinity:
                requiredDuringSchedulingIgnoredDuringExecution:
                  nodeSelectorTerms: [{matchExpressions: [{key: archiver.io/skip, operator: DoesNotExist}]}]
            priorityClassName: system-node-critical
            podAnnotations: {team: sre}
            podLabels: {tier: node-agent}
            extraEnv: [{name: ARCHIVER_LOG_LEVEL, value: Debug}]
            extraVolumes: [{name: nas, persistentVolumeClaim: {claimName: archiver-nas}}]
            extraVolumeMounts: [{name: nas, mountPath: /mnt/nas/pods}]
            credentials: {create: true, env: {AWS_ACCESS_KEY_ID: id, AWS_SECRET_ACCESS_KEY: secret}}
            graceSeconds: 20
            terminationGracePeriodSeconds: 30
            policies:
              nas.yaml: |
                name: nas
                root: /mnt/nas/pods
                layout: "{namespace}_{pod}_{podip}_{nodeip}_{node}"
                idleFor: 6h
                schedule: "*/30 * * * *"
                liveness: {source: kubernetes, scope: cluster, lease: "true"}
                store: {url: "s3://bucket/nas", region: us-east-1}
            metrics:
              podMonitor: {enabled: true, labels: {release: prom}}
              serviceMonitor: {enabled: true, interval: 1m}
            prometheusRule: {enabled: true, labels: {release: prom}}
            """;

        var yaml = await Chart.RenderAsync(valuesYaml: values);

        var schema = await DaemonSetSchemaTests.ValidateAsync(yaml);
        Assert.True(schema.ExitCode == 0, schema.ToString());
        var objects = Manifests.Parse(yaml);
        Assert.Equal(objects.Count, schema.Out.Split('\n').Count(l => l.StartsWith("ok ", StringComparison.Ordinal)));
        var core = string.Join("\n---\n", yaml.Split("\n---\n").Where(d => !d.Contains("apiVersion: monitoring.coreos.com/", StringComparison.Ordinal)));
        var ds = KubernetesYaml.LoadAllFromString(core, strict: true).OfType<V1DaemonSet>().Single();
        var pod = ds.Spec.Template.Spec;
        var c = pod.Containers.Single();
        Assert.Equal("ghcr.io/archiver/archiver:9.9.9", c.Image);
        Assert.Equal("regcred", pod.ImagePullSecrets.Single().Name);
        Assert.Equal("linux", pod.NodeSelector["kubernetes.io/os"]);
        Assert.Equal("DoesNotExist", pod.Affinity.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution.NodeSelectorTerms[0].MatchExpressions[0].OperatorProperty);
        Assert.Equal("system-node-critical", pod.PriorityClassName);
        Assert.Equal("sre", ds.Spec.Template.Metadata.Annotations["team"]);
        Assert.Equal("node-agent", ds.Spec.Template.Metadata.Labels["tier"]);
        Assert.Equal("Debug", c.Env.Single(e => e.Name == "ARCHIVER_LOG_LEVEL").Value);
        Assert.Equal("/mnt/nas/pods", c.VolumeMounts.Single(m => m.Name == "nas").MountPath);
        Assert.Equal("archiver-nas", pod.Volumes.Single(v => v.Name == "nas").PersistentVolumeClaim.ClaimName);
        Assert.Equal("archiver-store", c.EnvFrom.Single().SecretRef.Name);
        Assert.Equal(["--grace", "20s"], c.Args.Skip(c.Args.IndexOf("--grace")).Take(2));
        Assert.Equal(30, pod.TerminationGracePeriodSeconds);
        Assert.Contains("Secret/archiver-store", objects.Keys);
        Assert.Contains("Service/archiver-metrics", objects.Keys);
        Assert.Equal("prom", objects["PodMonitor/archiver"]["metadata"]!["labels"]!["release"]!.GetValue<string>());
        Assert.Equal("1m", objects["ServiceMonitor/archiver"]["spec"]!["endpoints"]![0]!["interval"]!.GetValue<string>());
        Assert.Equal("prom", objects["PrometheusRule/archiver"]["metadata"]!["labels"]!["release"]!.GetValue<string>());
        Assert.Contains("nas.yaml", objects["ConfigMap/archiver-policies"]["data"]!.AsObject().Select(kv => kv.Key));
    }

    [Theory]
    [InlineData("dataRoot=/var/pods", "policy default.yaml: root /data is not under a volume the DaemonSet mounts (/var/pods)")]
    [InlineData("graceSeconds=60", "graceSeconds (60) must be at least 1 and below terminationGracePeriodSeconds (60)")]
    [InlineData("graceSeconds=0", "graceSeconds (0) must be at least 1")]
    public async Task ValuesThatCouldNeverRun_AreRefusedAtRenderTime(string set, string message)
    {
        var r = await Chart.TryRenderAsync(set: [set]);

        Assert.Equal(1, r.ExitCode);
        Assert.Contains(message, r.Error);
    }

    [Fact]
    public async Task DataRootMoved_WithThePolicyRootMovedToo_Renders()
    {
        var policy = File.ReadAllText(RepoRoot.Combine("policies", "default.yaml")).Replace("root: /data\n", "root: /var/pods\n", StringComparison.Ordinal);
        var values = "dataRoot: /var/pods\npolicies:\n  default.yaml: |\n" + string.Concat(policy.Split('\n').Select(l => l.Length == 0 ? "\n" : "    " + l + "\n"));

        var ds = Manifests.Parse(await Chart.RenderAsync(valuesYaml: values))["DaemonSet/archiver"];

        Assert.Equal("/var/pods", ds["spec"]!["template"]!["spec"]!["volumes"]![0]!["hostPath"]!["path"]!.GetValue<string>());
        Assert.Equal("/var/pods", ds["spec"]!["template"]!["spec"]!["containers"]![0]!["volumeMounts"]![0]!["mountPath"]!.GetValue<string>());
    }

    [Fact]
    public void Templates_UseOnlyValuesThatValuesYamlDefines()
    {
        var values = new YamlStream();
        values.Load(new StringReader(File.ReadAllText(Path.Combine(Chart.Directory, "values.yaml"))));
        var root = (YamlMappingNode)values.Documents[0].RootNode;
        var checkedReferences = 0;
        foreach (var template in Directory.EnumerateFiles(Path.Combine(Chart.Directory, "templates")))
        {
            var text = File.ReadAllText(template);
            var references = ValuesReference().Matches(text);
            // Every use of .Values is one this check reads (`index .Values "x"` would pass unchecked).
            Assert.True(references.Count == Regex.Count(text, @"\.Values\b"),
                $"{Path.GetFileName(template)} uses .Values in a form other than .Values.a.b, which this check cannot follow");
            checkedReferences += references.Count;
            foreach (Match m in references)
            {
                YamlNode node = root;
                foreach (var part in m.Groups[1].Value.Split('.', StringSplitOptions.RemoveEmptyEntries))
                {
                    Assert.True(node is YamlMappingNode map && map.Children.TryGetValue(new YamlScalarNode(part), out node!),
                        $"{Path.GetFileName(template)} uses .Values{m.Groups[1].Value}, which values.yaml does not define");
                }
            }
        }
        Assert.True(checkedReferences > 0, "no template uses .Values: the templates are not where this check reads them");
    }
}
