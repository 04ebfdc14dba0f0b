using Archiver.Tests.Support;
using k8s;
using k8s.Models;

namespace Archiver.Tests.Deploy;

/// <summary>What `kubectl apply -k deploy/daemonset` would apply, rendered by the real kustomize
/// and read with KubernetesClient's strict loader, holds the promises made in the docs.</summary>
public class DaemonSetManifestTests
{
    /// <summary>What <c>kubectl kustomize deploy/daemonset</c> prints.</summary>
    internal static async Task<string> RenderYamlAsync()
    {
        var r = await ProcessRunner.RunAsync("kubectl", ["kustomize", "deploy/daemonset"]);
        Assert.True(r.ExitCode == 0, r.ToString());
        return r.Out;
    }

    private static async Task<List<object>> RenderAsync() => KubernetesYaml.LoadAllFromString(await RenderYamlAsync(), strict: true);

    [Fact]
    public async Task DaemonSet_MountsTheDataRootAndKnowsItsNode()
    {
        var ds = (await RenderAsync()).OfType<V1DaemonSet>().Single();
        var pod = ds.Spec.Template.Spec;
        var data = pod.Volumes.Single(v => v.Name == "data");
        // DirectoryOrCreate: a node without the directory must not hold its pod in ContainerCreating
        // (that pod would count against maxUnavailable and stall every rollout).
        Assert.Equal("DirectoryOrCreate", data.HostPath.Type);
        var container = pod.Containers.Single();
        var dataMount = container.VolumeMounts.Single(m => m.Name == "data");
        Assert.Equal(data.HostPath.Path, dataMount.MountPath);
        Assert.Equal("HostToContainer", dataMount.MountPropagation);
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
        // Not DAC_READ_SEARCH: DAC_OVERRIDE covers reading, and DAC_READ_SEARCH allows open_by_handle_at(2).
        Assert.Equal(["DAC_OVERRIDE", "FOWNER"], sc.Capabilities.Add.Order());
        var ns = (await RenderAsync()).OfType<V1Namespace>().Single();
        Assert.Equal("privileged", ns.Metadata.Labels["pod-security.kubernetes.io/enforce"]);
    }

    [Fact]
    public async Task Rbac_GrantsExactlyTheDocumentedVerbs()
    {
        var objects = await RenderAsync();
        string Rules(IEnumerable<V1PolicyRule> rules) => string.Join("; ", rules.SelectMany(r =>
            r.Resources.Select(res => $"{r.ApiGroups.Single()}/{res}:{string.Join(",", r.Verbs.Order())}")).Order());
        Assert.Equal("/pods:list", Rules(objects.OfType<V1ClusterRole>().Single().Rules));
        var role = objects.OfType<V1Role>().Single();
        Assert.Equal("archiver", role.Metadata.NamespaceProperty);
        Assert.Equal("/events:create; coordination.k8s.io/leases:create,delete,get,list,update", Rules(role.Rules));
        Assert.DoesNotContain("*", string.Join(" ", objects.OfType<V1ClusterRole>().SelectMany(r => r.Rules).SelectMany(r => r.Verbs.Concat(r.Resources))));
    }

    /// <summary>The base, and the base with each component, as an overlay would list them.</summary>
    public static IEnumerable<object[]> Installs() =>
        new[] { "" }.Concat(Directory.EnumerateDirectories(RepoRoot.Combine("deploy", "components")).Select(Path.GetFileName).Order()!).Select(c => new object[] { c! });

    [Theory]
    [MemberData(nameof(Installs))]
    public async Task EveryShippedPolicy_IsACopyOfPoliciesAndItsRootIsMounted(string component)
    {
        using var tmp = new TempDir("overlay");
        var overlay = tmp.Sub("overlay");
        string Rel(params string[] p) => Path.GetRelativePath(overlay, RepoRoot.Combine(p));
        File.WriteAllText(Path.Combine(overlay, "kustomization.yaml"),
            $"resources: [{Rel("deploy", "daemonset")}]\n" + (component.Length > 0 ? $"components: [{Rel("deploy", "components", component)}]\n" : ""));
        var r = await ProcessRunner.RunAsync("kubectl", ["kustomize", overlay]);
        Assert.True(r.ExitCode == 0, r.ToString());
        var objects = KubernetesYaml.LoadAllFromString(r.Out, strict: true);
        var configMap = objects.OfType<V1ConfigMap>().Single(c => c.Metadata.Name.StartsWith("archiver-policies", StringComparison.Ordinal));
        var container = objects.OfType<V1DaemonSet>().Single().Spec.Template.Spec.Containers.Single();

        Assert.Contains("default.yaml", configMap.Data.Keys);
        if (component.Length > 0) Assert.Contains($"{component}.yaml", configMap.Data.Keys);
        foreach (var (name, text) in configMap.Data)
        {
            Assert.Equal(File.ReadAllText(RepoRoot.Combine("policies", name)), text);
            var root = System.Text.RegularExpressions.Regex.Match(text, "(?m)^root: (.+)$").Groups[1].Value;
            Assert.True(container.VolumeMounts.Any(m => root == m.MountPath || root.StartsWith(m.MountPath.TrimEnd('/') + "/", StringComparison.Ordinal)),
                $"policy {name}: root {root} is under none of the mounts {string.Join(", ", container.VolumeMounts.Select(m => m.MountPath))}");
        }
    }

    [Fact]
    public void EveryPolicyFile_ShipsInTheBaseOrAComponent()
    {
        var shipped = Directory.EnumerateFiles(RepoRoot.Combine("deploy", "daemonset", "policies"))
            .Concat(Directory.EnumerateDirectories(RepoRoot.Combine("deploy", "components")).SelectMany(d => Directory.EnumerateFiles(d, "*.yaml")))
            .Select(Path.GetFileName).Where(n => n != "kustomization.yaml").Order();
        Assert.Equal(Directory.EnumerateFiles(RepoRoot.Combine("policies"), "*.yaml").Select(Path.GetFileName).Order(), shipped);
    }

    [Fact]
    public async Task Probes_AnswerOnTheDaemonStartedWithTheManifestsOwnArgs()
    {
        var container = (await RenderAsync()).OfType<V1DaemonSet>().Single().Spec.Template.Spec.Containers.Single();
        using var tmp = new TempDir("probes");
        var policies = tmp.Sub("policies");
        // The shipped policies, with roots that are absent here (as on a node without that volume);
        // each runs once at start.
        foreach (var f in Directory.EnumerateFiles(RepoRoot.Combine("policies")))
            File.WriteAllText(Path.Combine(policies, Path.GetFileName(f)), System.Text.RegularExpressions.Regex.Replace(File.ReadAllText(f), "(?m)^root: .*$", $"root: {tmp["absent"]}/{Path.GetFileNameWithoutExtension(f)}") + "runOnStart: true\n");
        var port = FreePort();
        var args = container.Args.ToList();
        args[args.IndexOf("--policies") + 1] = policies;
        args[args.IndexOf("--listen") + 1] = $"127.0.0.1:{port}";
        var psi = new System.Diagnostics.ProcessStartInfo("dotnet", [typeof(Archiver.Program).Assembly.Location, .. args]) { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.Environment["NODE_NAME"] = "node-a";
        using var daemon = System.Diagnostics.Process.Start(psi)!;
        var output = daemon.StandardOutput.ReadToEndAsync();
        try
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
            var ready = false;
            for (var i = 0; i < 60 && !ready; i++)
            {
                try
                {
                    ready = (await http.GetAsync($"http://127.0.0.1:{port}{container.ReadinessProbe.HttpGet.Path}")).IsSuccessStatusCode;
                }
                catch (HttpRequestException)
                {
                }
                if (!ready) await Task.Delay(500);
            }
            Assert.True(ready, "readiness probe never succeeded");
            Assert.True((await http.GetAsync($"http://127.0.0.1:{port}{container.LivenessProbe.HttpGet.Path}")).IsSuccessStatusCode);
            Assert.Contains("archiver_policies_loaded 3", await http.GetStringAsync($"http://127.0.0.1:{port}/metrics"));
            for (var i = 0; i < 40 && !(await http.GetStringAsync($"http://127.0.0.1:{port}/metrics")).Contains("archiver_sweeps_total{policy=\"jobs\",result=\"no-root\"} 1"); i++)
                await Task.Delay(250);
        }
        finally
        {
            ExternalTool.Check("kill", "-TERM", daemon.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Assert.True(daemon.WaitForExit(TimeSpan.FromSeconds(45)), "daemon did not stop within its grace period");
        }
        Assert.Equal(0, daemon.ExitCode);
        // A missing root is a Warning (JSON logs: "@l":"Warning"), naming the policy and the root.
        var warnings = (await output).Split('\n').Where(l => l.Contains("\"@l\":\"Warning\"", StringComparison.Ordinal) && l.Contains("does not exist on this node", StringComparison.Ordinal)).ToList();
        Assert.Contains(warnings, l => l.Contains("\"Policy\":\"jobs\"", StringComparison.Ordinal) && l.Contains($"{tmp["absent"]}/jobs", StringComparison.Ordinal));
    }

    private static int FreePort()
    {
        using var l = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        l.Start();
        return ((System.Net.IPEndPoint)l.LocalEndpoint).Port;
    }
}
