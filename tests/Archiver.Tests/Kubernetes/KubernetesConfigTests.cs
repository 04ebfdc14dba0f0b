using Archiver.Composition;
using Archiver.Kubernetes;
using Archiver.Policies;
using Archiver.Tests.Support;
using Xunit;

namespace Archiver.Tests.Kubernetes;

/// <summary>Where the client's configuration comes from, and what a bad one looks like to the user.</summary>
public sealed class KubernetesConfigTests : IDisposable
{
    private readonly TempDir _temp = new("kcfg");

    private KubernetesConfigLoader Loader(Dictionary<string, string> env) =>
        new(name => env.GetValueOrDefault(name), _temp.Sub("serviceaccount"));

    private string Kubeconfig(string dir, string server)
    {
        Directory.CreateDirectory(dir);
        var path = Path.Combine(dir, "config");
        File.WriteAllText(path, $"apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: {server}\ncontexts:\n- name: c\n  context:\n    cluster: c\n    user: u\ncurrent-context: c\nusers:\n- name: u\n  user:\n    token: t\n");
        return path;
    }

    [Fact]
    public void Load_NothingConfigured_ThrowsConfigurationErrorInsteadOfLocalhost()
    {
        var e = Assert.Throws<ConfigurationException>(() => Loader(new() { ["HOME"] = _temp.Sub("home") }).Load(null));
        Assert.Contains("pass --kubeconfig FILE", e.Message);
    }

    [Fact]
    public void Load_ServiceHostWithoutToken_IsNotInClusterAndUsesKubeconfigEnv()
    {
        var first = Kubeconfig(_temp["a"], "https://10.1.0.1:6443");
        var (config, origin) = Loader(new() { ["KUBERNETES_SERVICE_HOST"] = "10.96.0.1", ["KUBECONFIG"] = $"{_temp["missing"]}:{first}" }).Load(null);
        Assert.Equal("https://10.1.0.1:6443", config.Host.TrimEnd('/'));
        Assert.Contains(first, origin);
    }

    [Fact]
    public void Load_HomeKubeConfig_IsTheLastResort()
    {
        var home = _temp.Sub("home");
        Kubeconfig(Path.Combine(home, ".kube"), "https://10.2.0.1:6443");
        var (config, _) = Loader(new() { ["HOME"] = home }).Load(null);
        Assert.Equal("https://10.2.0.1:6443", config.Host.TrimEnd('/'));
    }

    [Fact]
    public void Load_ExplicitKubeconfigBeatsEnvironment()
    {
        var explicitFile = Kubeconfig(_temp["x"], "https://10.3.0.1:6443");
        var env = Kubeconfig(_temp["y"], "https://10.4.0.1:6443");
        var (config, _) = Loader(new() { ["KUBECONFIG"] = env }).Load(explicitFile);
        Assert.Equal("https://10.3.0.1:6443", config.Host.TrimEnd('/'));
    }

    [Fact]
    public void Load_KubeconfigEnvNamesNoExistingFile_SaysSo()
    {
        var e = Assert.Throws<ConfigurationException>(() => Loader(new() { ["KUBECONFIG"] = _temp["nope"] }).Load(null));
        Assert.Contains("none of those files exists", e.Message);
    }

    [Fact]
    public async Task Sweep_KubeconfigMissing_ExitsTwoAndTouchesNothing()
    {
        await using var k = new KubernetesSweep();
        k.Dir("gone-1");
        var result = await Support.CliRunner.RunAsync(k.Clock, "sweep", "--root", k.Root, "--store", $"file://{k.Store}", "--liveness", "kubernetes",
            "--kubeconfig", _temp["absent"], "--node", "node-a");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains(_temp["absent"], result.Error);
        Assert.True(k.Exists("gone-1"));
        Assert.Empty(k.Api.Requests);
    }

    [Fact]
    public async Task Sweep_NodeScopeWithoutNodeName_ExitsTwoInsteadOfGuessingFromTheHostName()
    {
        Assert.True(string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NODE_NAME")), "this test needs NODE_NAME unset");
        await using var k = new KubernetesSweep();
        k.Dir("gone-1");
        var result = await Support.CliRunner.RunAsync(k.Clock, "sweep", "--root", k.Root, "--store", $"file://{k.Store}", "--liveness", "kubernetes", "--kubeconfig", k.Kubeconfig);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("NODE_NAME", result.Error);
        Assert.True(k.Exists("gone-1"));
    }

    [Fact]
    public async Task Sweep_NoPodsOnTheNamedNode_FailsClosed()
    {
        await using var k = new KubernetesSweep();
        k.Api.AddPod("default", "web-0", node: "node-a");
        k.Dir("web-0");
        var result = await k.SweepAsNodeAsync("node-typo");
        Assert.Equal(1, result.ExitCode);
        Assert.True(k.Exists("web-0"), "a wrong node name must not make every pod look gone");
        Assert.Contains("no pod at all on node 'node-typo'", KubernetesSweep.Reason(result, "web-0"));
    }

    [Fact]
    public void Load_BadKubernetesOptions_EveryProblemWithItsLine()
    {
        var problems = new List<PolicyProblem>();
        PolicyLoader.Load("root: /data\nstore: file:///tmp/x\nliveness:\n  source: kubernetes\n  scope: everywhere\n  pageSize: \"0\"\n  leaseNamespace: Not_Valid\n  lease: maybe\n  bogus: x\n", "p.yaml", problems, StoreFactory.Validate);
        var errors = problems.Where(p => !p.IsWarning).ToList();
        Assert.Contains(errors, p => p.Line == 5 && p.Message.Contains("scope 'everywhere'"));
        Assert.Contains(errors, p => p.Line == 6 && p.Message.Contains("pageSize"));
        Assert.Contains(errors, p => p.Line == 7 && p.Message.Contains("leaseNamespace"));
        Assert.Contains(errors, p => p.Line == 8 && p.Message.Contains("true or false"));
        Assert.Contains(errors, p => p.Line == 9 && p.Message.Contains("'bogus' is not known"));
    }

    [Fact]
    public void Load_KubernetesOptionOnStaticSource_IsAnError()
    {
        var problems = new List<PolicyProblem>();
        PolicyLoader.Load("root: /data\nstore: file:///tmp/x\nliveness:\n  source: static\n  file: /tmp/pods.txt\n  scope: cluster\n", "p.yaml", problems, StoreFactory.Validate);
        Assert.Contains(problems, p => !p.IsWarning && p.Line == 6 && p.Message.Contains("only applies to source kubernetes"));
    }

    public void Dispose() => _temp.Dispose();
}
