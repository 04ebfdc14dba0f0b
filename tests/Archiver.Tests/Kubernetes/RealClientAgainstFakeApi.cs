using Archiver.Tests.Support;
using k8s;
using Xunit;

namespace Archiver.Tests.Kubernetes;

/// <summary>The real KubernetesClient pointed at a fresh <see cref="FakeKubernetesApi"/>, for tests of
/// what the fake answers.</summary>
public abstract class RealClientAgainstFakeApi : IAsyncLifetime
{
    private readonly TempDir _temp = new("kclient");

    protected FakeKubernetesApi Api { get; private set; } = null!;

    protected k8s.Kubernetes Client { get; private set; } = null!;

    /// <summary>Puts what the test needs into the fake before the client connects.</summary>
    protected virtual void Seed(FakeKubernetesApi api)
    {
    }

    public Task InitializeAsync()
    {
        Api = FakeKubernetesApi.Start();
        Seed(Api);
        Client = new k8s.Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(new FileInfo(Api.WriteKubeconfig(_temp.Path))));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        await Api.DisposeAsync();
        _temp.Dispose();
    }
}
