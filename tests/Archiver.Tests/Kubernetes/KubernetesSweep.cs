using System.Text.Json;
using Archiver.Cli;
using Archiver.Kubernetes;
using Archiver.Pipeline;
using Archiver.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace Archiver.Tests.Kubernetes;

/// <summary>A root of pod directories, a file:// store, a fake Kubernetes API and a policy file;
/// runs <c>archiver sweep --liveness kubernetes</c> through the real CLI on a fake clock, or the same
/// sweep in-process as the daemon runs it in its pod (with the downward API's environment).</summary>
public sealed class KubernetesSweep : IAsyncDisposable
{
    private readonly TempDir _temp = new("k8s");

    public KubernetesSweep()
    {
        Root = _temp.Sub("data");
        Store = _temp.Sub("store");
        Api = FakeKubernetesApi.Start();
        Kubeconfig = Api.WriteKubeconfig(_temp.Path);
        Tree = new PodTree(Root);
    }

    public string Root { get; }

    public string Store { get; }

    public FakeKubernetesApi Api { get; }

    public string Kubeconfig { get; }

    public PodTree Tree { get; }

    /// <summary>The scene's clock: it starts at the real current time; the test moves it on.</summary>
    public FakeTimeProvider Clock { get; } = SceneClock.Start();

    /// <summary>The scene clock's time now.</summary>
    public DateTimeOffset Now => Clock.GetUtcNow();

    /// <summary>A pod directory last written two days ago (idle under the 1h rule).</summary>
    public string Dir(string name) => Tree.Pod(name, Now.AddDays(-2));

    public bool Exists(string name) => Directory.Exists(Path.Combine(Root, name));

    /// <summary>Writes <c>NAME.yaml</c> (the policy is named after the file).</summary>
    public string Policy(string liveness, string layout = "{pod}", string name = "k8s", string? key = null)
    {
        var path = Path.Combine(_temp.Path, $"{name}.yaml");
        File.WriteAllText(path, $"""
            root: {Root}
            store: file://{Store}
            layout: "{layout}"
            idleFor: 1h
            {(key is null ? "" : $"key: \"{key}\"")}
            liveness:
            {liveness}
            """);
        return path;
    }

    public Task<Support.CliRunner.Result> SweepAsync(params string[] extra) => SweepAsNodeAsync("node-a", extra);

    public Task<Support.CliRunner.Result> SweepAsNodeAsync(string node, params string[] extra) =>
        Support.CliRunner.RunAsync(Clock, ["sweep", "--liveness", "kubernetes", "--kubeconfig", Kubeconfig, "--node", node, "--json",
            .. extra.Contains("--policy") ? Array.Empty<string>() : ["--root", Root, "--store", $"file://{Store}", "--idle-for", "1h"], .. extra]);

    /// <summary>The environment the DaemonSet gives the archiver's pod (downward API).</summary>
    public static readonly IReadOnlyDictionary<string, string> InPod = new Dictionary<string, string>
    {
        ["POD_NAMESPACE"] = "archiver",
        ["POD_NAME"] = "archiver-x7k2p",
        ["POD_UID"] = "6f0d2c1e-2b1a-4c8e-9d6a-1f2e3d4c5b6a",
    };

    /// <summary>The context <c>archiver sweep --policy POLICY --node node-a</c> builds, with the cluster
    /// services (leases, events) of a process whose environment is <paramref name="environment"/>.</summary>
    public SweepContext Context(string policy, IReadOnlyDictionary<string, string> environment)
    {
        var args = new ArgParser(["--policy", policy, "--kubeconfig", Kubeconfig, "--node", "node-a"], SweepFlags.Options);
        var ctx = SweepFlags.Build(SweepFlags.LoadPolicy(args), args, Clock);
        var services = Services(ctx.Policy, environment.GetValueOrDefault);
        return ctx with { Liveness = services.Source, DirectoryLock = services.DirectoryLock, Events = services.Events };
    }

    /// <summary>What the kubernetes source of <paramref name="policy"/> brings to a sweep on node-a, in a
    /// process whose environment is <paramref name="environment"/>.</summary>
    public LivenessServices Services(Archiver.Policies.Policy policy, Func<string, string?> environment) =>
        KubernetesSetup.Create(policy.Liveness, new Archiver.Liveness.LivenessContext(new NodeIdentity("node-a", IsExplicit: true), Kubeconfig),
            new KubernetesSession(), policy.Name, Clock, KubernetesConfigLoader.FromProcess(), environment);

    /// <summary>One sweep of <paramref name="policy"/> through the real pipeline, as the daemon runs it in a pod
    /// whose environment is <paramref name="environment"/>.</summary>
    public Task<IReadOnlyList<DirectoryOutcome>> SweepInPodAsync(string policy, IReadOnlyDictionary<string, string> environment) =>
        PipelineHarness.SweepAsync(Context(policy, environment));

    /// <summary>The JSON outcome line of one directory (the last one printed for it).</summary>
    public static JsonElement Outcome(Support.CliRunner.Result result, string dir) =>
        result.JsonLines.Last(j => j.GetProperty("dir").GetString() == dir);

    public static string Reason(Support.CliRunner.Result result, string dir) => Outcome(result, dir).GetProperty("reason").GetString()!;

    public int ArchivesInStore => Directory.EnumerateFiles(Store, "*.tar.gz", SearchOption.AllDirectories).Count();

    public async ValueTask DisposeAsync()
    {
        await Api.DisposeAsync();
        _temp.Dispose();
    }
}
