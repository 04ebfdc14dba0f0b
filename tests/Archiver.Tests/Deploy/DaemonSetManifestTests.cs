using Archiver.Tests.Support;
using k8s;
using k8s.Models;

namespace Archiver.Tests.Deploy;

/// <summary>What `kubectl apply -k deploy/daemonset` would apply, rendered by the real kustomize
/// and read with KubernetesClient's strict loader, holds the promises made in the docs.</summary>
public class DaemonSetManifestTests
{
    private static async Task<List<object>> RenderAsync()
    {
        var r = await ProcessRunner.RunAsync("kubectl", ["kustomize", "deploy/daemonset"]);
        Assert.True(r.ExitCode == 0, r.ToString());
        return KubernetesYaml.LoadAllFromString(r.Out, strict: true);
    }

    [Fact]
    public async Task DaemonSet_MountsTheDataRootAndKnowsItsNode()
    {
        var ds = (await RenderAsync()).OfType<V1DaemonSet>().Single();
        var pod = ds.Spec.Template.Spec;
        var data = pod.Volumes.Single(v => v.Name == "data");
        Assert.Equal("Directory", data.HostPath.Type);
        var container = pod.Containers.Single();
        Assert.Equal(data.HostPath.Path, container.VolumeMounts.Single(m => m.Name == "data").MountPath);
        Assert.Equal("spec.nodeName", container.Env.Single(e => e.Name == "NODE_NAME").ValueFrom.FieldRef.FieldPath);
        Assert.Equal("/healthz", container.LivenessProbe.HttpGet.Path);
        Assert.Equal("/readyz", container.ReadinessProbe.HttpGet.Path);
        Assert.Contains(pod.Tolerations, t => t.OperatorProperty == "Exists" && t.Key is null);
        Assert.Equal("RollingUpdate", ds.Spec.UpdateStrategy.Type);
        Assert.NotNull(ds.Spec.UpdateStrategy.RollingUpdate.MaxUnavailable);
        Assert.Equal("true", ds.Spec.Template.Metadata.Annotations["prometheus.io/scrape"]);
        var policiesMount = container.VolumeMounts.Single(m => m.Name == "policies").MountPath;
        Assert.Equal(["run", "--policies", policiesMount, "--listen", ":8080", "--grace", "45s"], container.Args);
        Assert.True(45 < ds.Spec.Template.Spec.TerminationGracePeriodSeconds, "the daemon must finish shutting down before the kubelet kills it");
    }

    [Fact]
    public async Task DaemonSet_ImageIsPinnedAndTheContainerIsLockedDown()
    {
        var container = (await RenderAsync()).OfType<V1DaemonSet>().Single().Spec.Template.Spec.Containers.Single();
        Assert.Matches(@"^[\w./-]+:\d+\.\d+\.\d+$", container.Image);
        var sc = container.SecurityContext;
        Assert.True(sc.ReadOnlyRootFilesystem);
        Assert.False(sc.AllowPrivilegeEscalation);
        Assert.False(sc.Privileged ?? false);
        Assert.Equal("RuntimeDefault", sc.SeccompProfile.Type);
        Assert.Equal(["ALL"], sc.Capabilities.Drop);
        Assert.Equal(["DAC_OVERRIDE", "DAC_READ_SEARCH", "FOWNER"], sc.Capabilities.Add.Order());
    }

    [Fact]
    public async Task Rbac_GrantsExactlyTheDocumentedVerbs()
    {
        var objects = await RenderAsync();
        string Rules(IEnumerable<V1PolicyRule> rules) => string.Join("; ", rules.SelectMany(r =>
            r.Resources.Select(res => $"{r.ApiGroups.Single()}/{res}:{string.Join(",", r.Verbs.Order())}")).Order());
        Assert.Equal("/pods:get,list", Rules(objects.OfType<V1ClusterRole>().Single().Rules));
        var role = objects.OfType<V1Role>().Single();
        Assert.Equal("archiver", role.Metadata.NamespaceProperty);
        Assert.Equal("/events:create; coordination.k8s.io/leases:create,get,update", Rules(role.Rules));
        Assert.DoesNotContain("*", string.Join(" ", objects.OfType<V1ClusterRole>().SelectMany(r => r.Rules).SelectMany(r => r.Verbs.Concat(r.Resources))));
    }

    [Fact]
    public async Task ConfigMap_HoldsExactlyTheShippedPolicies()
    {
        var configMap = (await RenderAsync()).OfType<V1ConfigMap>().Single(c => c.Metadata.Name.StartsWith("archiver-policies", StringComparison.Ordinal));
        var shipped = Directory.EnumerateFiles(RepoRoot.Combine("policies"), "*.yaml").ToDictionary(f => Path.GetFileName(f), File.ReadAllText);
        Assert.Equal(shipped.Keys.Order(), configMap.Data.Keys.Order());
        foreach (var (name, text) in shipped) Assert.Equal(text, configMap.Data[name]);
    }
}
