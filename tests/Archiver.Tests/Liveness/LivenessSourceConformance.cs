using Archiver.Layouts;
using Archiver.Liveness;
using Xunit;

namespace Archiver.Tests.Liveness;

/// <summary>
/// What every liveness source promises the pipeline, run once per source (static, kubernetes):
/// phases come through, namespaces separate pods of one name, a missing pod is null (not an
/// error), and a source that cannot answer throws <see cref="LivenessUnknownException"/>.
/// </summary>
public abstract class LivenessSourceConformance : IAsyncLifetime
{
    private ILivenessSource _source = null!;

    protected static readonly IReadOnlyList<PodState> Pods =
    [
        new("prod", "web-0", "Running"),
        new("prod", "init-0", "Pending"),
        new("batch", "job-1", "Succeeded"),
        new("batch", "job-2", "Failed"),
        new("staging", "web-0", "Succeeded"),
        new("a", "db-0", "Failed"),
        new("b", "db-0", "Running"),
    ];

    /// <summary>A source that knows exactly <paramref name="pods"/> (all on this node).</summary>
    protected abstract Task<ILivenessSource> CreateAsync(IReadOnlyList<PodState> pods);

    /// <summary>Makes the source unable to answer from now on.</summary>
    protected abstract void Break();

    public async Task InitializeAsync() => _source = await CreateAsync(Pods);

    public virtual Task DisposeAsync() => Task.CompletedTask;

    private static PodRef Ref(string? ns, string name) => new(ns, name, new Dictionary<string, string>());

    [Fact]
    public async Task Snapshot_AllPods_ReportsEachWithItsPhase()
    {
        var snapshot = await _source.SnapshotAsync(CancellationToken.None);

        Assert.Equal(Pods.Count, snapshot.Count);
        Assert.False(Assert.Single(snapshot.Find("prod", "web-0")).IsTerminal);
        Assert.False(Assert.Single(snapshot.Find("prod", "init-0")).IsTerminal);
        Assert.True(Assert.Single(snapshot.Find("batch", "job-1")).IsTerminal);
        Assert.True(Assert.Single(snapshot.Find("batch", "job-2")).IsTerminal);
    }

    [Fact]
    public async Task Snapshot_SameNameInTwoNamespaces_SeparatedByNamespaceAndBothFoundByName()
    {
        var snapshot = await _source.SnapshotAsync(CancellationToken.None);

        Assert.Equal("Running", Assert.Single(snapshot.Find("prod", "web-0")).Phase);
        Assert.Equal("Succeeded", Assert.Single(snapshot.Find("staging", "web-0")).Phase);
        Assert.Equal(2, snapshot.Find(null, "web-0").Count);
        Assert.Empty(snapshot.Find("dev", "web-0"));
    }

    [Fact]
    public async Task Recheck_NoSuchPod_FindsNothing()
    {
        var snapshot = await _source.RecheckAsync([Ref("prod", "nope-0"), Ref(null, "nope-1")], CancellationToken.None);

        Assert.Empty(snapshot.Find("prod", "nope-0"));
        Assert.Empty(snapshot.Find(null, "nope-1"));
    }

    [Fact]
    public async Task Recheck_WithNamespace_FindsThatNamespacesPod()
    {
        var snapshot = await _source.RecheckAsync([Ref("staging", "web-0")], CancellationToken.None);

        var pod = Assert.Single(snapshot.Find("staging", "web-0"));
        Assert.Equal("Succeeded", pod.Phase);
        Assert.Equal("staging", pod.Namespace);
    }

    [Fact]
    public async Task Recheck_NameOnly_FindsTheLivePodInAnyNamespace()
    {
        var snapshot = await _source.RecheckAsync([Ref(null, "db-0")], CancellationToken.None);

        Assert.Contains(snapshot.Find(null, "db-0"), p => p.Namespace == "b" && !p.IsTerminal);
    }

    [Fact]
    public async Task Snapshot_SourceCannotAnswer_ThrowsLivenessUnknown()
    {
        Break();

        await Assert.ThrowsAsync<LivenessUnknownException>(() => _source.SnapshotAsync(CancellationToken.None));
        await Assert.ThrowsAsync<LivenessUnknownException>(() => _source.RecheckAsync([Ref("prod", "web-0")], CancellationToken.None));
    }
}
