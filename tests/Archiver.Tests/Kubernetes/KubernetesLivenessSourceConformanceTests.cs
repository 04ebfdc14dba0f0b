using Archiver.Tests.Liveness;
using Archiver.Liveness;
using Archiver.Kubernetes;
using Archiver.Policies;
using Archiver.Tests.Support;

namespace Archiver.Tests.Kubernetes;

/// <summary>The conformance suite against the real KubernetesClient and a fake API server, in node
/// scope with a page size of 2 (so every snapshot spans several pages).</summary>
public sealed class KubernetesLivenessSourceConformanceTests : LivenessSourceConformance
{
    private readonly TempDir _temp = new("kconf");
    private readonly FakeKubernetesApi _api = FakeKubernetesApi.Start();

    protected override Task<ILivenessSource> CreateAsync(IReadOnlyList<PodState> pods)
    {
        foreach (var p in pods) _api.AddPod(p.Namespace!, p.Name, p.Phase, node: "node-a");
        _api.AddPod("prod", "elsewhere-0", "Running", node: "node-b");
        var spec = new LivenessSpec("kubernetes") { Options = new Dictionary<string, string> { ["pageSize"] = "2" } };
        var context = new LivenessContext(new NodeIdentity("node-a", IsExplicit: true), _api.WriteKubeconfig(_temp.Path));
        return Task.FromResult<ILivenessSource>(KubernetesSetup.CreateSource(spec, context, new KubernetesSession(), KubernetesConfigLoader.FromProcess()));
    }

    protected override void Break() => _api.Fail(_ => true, 500);

    public override async Task DisposeAsync()
    {
        await _api.DisposeAsync();
        _temp.Dispose();
    }
}
