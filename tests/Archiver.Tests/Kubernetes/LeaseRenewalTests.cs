using Archiver.Liveness;
using Archiver.Kubernetes;
using Archiver.Policies;
using Archiver.Tests.Support;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace Archiver.Tests.Kubernetes;

/// <summary>A held lease is renewed while a directory is worked on (a slow upload keeps it), and
/// losing it to someone else stops the work.</summary>
public sealed class LeaseRenewalTests : IAsyncLifetime
{
    private readonly TempDir _temp = new("lease");
    private readonly FakeKubernetesApi _api = FakeKubernetesApi.Start();
    private readonly FakeTimeProvider _clock = SceneClock.Start();
    private LeaseDirectoryLock _lock = null!;

    public Task InitializeAsync()
    {
        var source = KubernetesSetup.CreateSource(new LivenessSpec("kubernetes"), new LivenessContext(new NodeIdentity("node-a", IsExplicit: true), _api.WriteKubeconfig(_temp.Path)), new KubernetesSession(), KubernetesConfigLoader.FromProcess());
        _lock = new LeaseDirectoryLock(source.Api, "archiver", "node-a", TimeSpan.FromSeconds(60), "k8s", new KubernetesSession(), _clock);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Renewal_LongArchive_RenewsEveryThirdOfTheDurationAndReleasesAtTheEnd()
    {
        var held = await _lock.TryAcquireAsync("big-0", CancellationToken.None);
        var name = LeaseDirectoryLock.LeaseName("k8s", "big-0");
        Assert.NotNull(held.Handle);

        DateTimeOffset RenewTime() => DateTimeOffset.Parse(_api.Lease("archiver", name)!["spec"]!["renewTime"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);
        var renewals = new List<DateTimeOffset> { RenewTime() };
        for (var i = 1; i <= 3; i++)
        {
            // Time passes in 1 s steps until the holder renews (the clock only moves when the test moves it).
            await WaitUntilAsync(() =>
            {
                if (RenewTime() > renewals[^1]) return true;
                _clock.Advance(TimeSpan.FromSeconds(1));
                return false;
            });
            renewals.Add(RenewTime());
        }
        var gaps = renewals.Zip(renewals.Skip(1), (a, b) => b - a).ToList();
        Assert.All(gaps, g => Assert.InRange(g, TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(30)));
        Assert.False(held.Handle.Lost.IsCancellationRequested, "a renewed lease is never lost, however long the work takes");
        Assert.Equal("node-a", _api.Lease("archiver", name)!["spec"]!["holderIdentity"]!.GetValue<string>());

        await held.Handle.DisposeAsync();
        Assert.Null(_api.Lease("archiver", name)!["spec"]!["holderIdentity"]?.GetValue<string>());
    }

    [Fact]
    public async Task Renewal_SomeoneElseTookTheLease_SignalsLost()
    {
        var held = await _lock.TryAcquireAsync("big-1", CancellationToken.None);
        var name = LeaseDirectoryLock.LeaseName("k8s", "big-1");
        _api.PutLease("archiver", name, "node-b", _clock.GetUtcNow(), 60);

        _clock.Advance(TimeSpan.FromSeconds(20));
        await WaitUntilAsync(() => held.Handle!.Lost.IsCancellationRequested);

        await held.Handle!.DisposeAsync();
        Assert.Equal("node-b", _api.Lease("archiver", name)!["spec"]!["holderIdentity"]!.GetValue<string>());
    }

    [Fact]
    public async Task Acquire_OwnLeaseFromBeforeARestart_IsTakenAgain()
    {
        var name = LeaseDirectoryLock.LeaseName("k8s", "mine-0");
        _api.PutLease("archiver", name, "node-a", _clock.GetUtcNow().AddSeconds(-5), 60);

        var held = await _lock.TryAcquireAsync("mine-0", CancellationToken.None);

        Assert.NotNull(held.Handle);
        await held.Handle.DisposeAsync();
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the condition did not become true within 10 s");
            await Task.Delay(20);
        }
    }

    public async Task DisposeAsync()
    {
        await _api.DisposeAsync();
        _temp.Dispose();
    }
}
