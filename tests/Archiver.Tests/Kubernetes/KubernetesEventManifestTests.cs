using System.Text.RegularExpressions;
using Archiver.Kubernetes;
using Archiver.Tests.Support;
using k8s;
using k8s.Models;
using Xunit;

namespace Archiver.Tests.Kubernetes;

/// <summary>The shipped manifests give the event sink its pod (downward API) and let that pod's
/// service account create events in its own namespace, where the sink writes them.</summary>
public sealed partial class KubernetesEventManifestTests
{
    private static readonly Dictionary<string, string> DownwardApi = new()
    {
        ["POD_NAMESPACE"] = "metadata.namespace",
        ["POD_NAME"] = "metadata.name",
        ["POD_UID"] = "metadata.uid",
    };

    [GeneratedRegex(@"- name: (POD_\w+)\s+valueFrom:\s+fieldRef:\s+fieldPath: (\S+)")]
    private static partial Regex FieldRefEnv();

    [Fact]
    public async Task Kustomize_PodIdentityFromTheDownwardApi_AndEventsCreateInThePodsNamespace()
    {
        var rendered = await ProcessRunner.RunAsync("kubectl", ["kustomize", "deploy/daemonset"]);
        Assert.True(rendered.ExitCode == 0, rendered.ToString());
        var objects = KubernetesYaml.LoadAllFromString(rendered.Out, strict: true);
        var ds = objects.OfType<V1DaemonSet>().Single();
        var env = ds.Spec.Template.Spec.Containers.Single().Env.Where(e => e.ValueFrom?.FieldRef is not null)
            .ToDictionary(e => e.Name, e => e.ValueFrom.FieldRef.FieldPath);
        foreach (var (name, path) in DownwardApi) Assert.Equal(path, env.GetValueOrDefault(name));

        // The pod the sink would see in a pod of this DaemonSet, and the Role that must let it write there.
        var values = new Dictionary<string, string> { ["metadata.namespace"] = ds.Metadata.NamespaceProperty, ["metadata.name"] = "archiver-x7k2p", ["metadata.uid"] = "u-1" };
        var self = ArchiverPod.FromEnvironment(n => env.TryGetValue(n, out var path) ? values[path] : null);
        Assert.NotNull(self);
        Assert.Equal(new ArchiverPod(ds.Metadata.NamespaceProperty, "archiver-x7k2p", "u-1"), self);
        var binding = objects.OfType<V1RoleBinding>().Single(b => b.Subjects.Any(s => s.Kind == "ServiceAccount" && s.Name == ds.Spec.Template.Spec.ServiceAccountName && s.NamespaceProperty == self.Namespace));
        var role = objects.OfType<V1Role>().Single(r => r.Metadata.Name == binding.RoleRef.Name && r.Metadata.NamespaceProperty == binding.Metadata.NamespaceProperty);
        Assert.Equal(self.Namespace, role.Metadata.NamespaceProperty);
        Assert.Contains(role.Rules, r => r.ApiGroups.Contains("") && r.Resources.Contains("events") && r.Verbs.Contains("create"));
    }

    [Fact]
    public void HelmTemplate_SetsTheSamePodIdentity()
    {
        var text = File.ReadAllText(RepoRoot.Combine("deploy", "helm", "archiver", "templates", "daemonset.yaml"));

        var env = FieldRefEnv().Matches(text).ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value);

        Assert.Equal(DownwardApi.OrderBy(e => e.Key), env.OrderBy(e => e.Key));
    }
}
