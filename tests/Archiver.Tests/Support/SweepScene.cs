using Archiver.Archives;
using Microsoft.Extensions.Time.Testing;

namespace Archiver.Tests.Support;

/// <summary>A data root with pod directories, a local store, a live-pods file and a fake clock that
/// starts at the real current time: the usual setting for a sweep test driven through the real CLI.</summary>
public sealed class SweepScene : IDisposable
{
    public SweepScene()
    {
        Root = Tmp.Sub("data");
        StoreDir = Path.Combine(Tmp.Path, "store");
        LivePods = Tmp["live-pods.txt"];
        File.WriteAllText(LivePods, "");
        Pods = new PodTree(Root);
    }

    public TempDir Tmp { get; } = new("scene");
    public string Root { get; }
    public string StoreDir { get; }
    public string StoreUrl => new Uri(StoreDir).AbsoluteUri;
    public string LivePods { get; }
    public PodTree Pods { get; }
    public FakeTimeProvider Clock { get; } = SceneClock.Start();

    /// <summary>A dead pod's directory, last written <paramref name="age"/> ago (default 3 days).</summary>
    public string Pod(string name, TimeSpan? age = null, Action<string>? fill = null) =>
        Pods.Pod(name, Clock.GetUtcNow() - (age ?? TimeSpan.FromDays(3)), fill);

    public void Live(params string[] lines) => File.WriteAllLines(LivePods, lines);

    public Task<CliRunner.Result> SweepAsync(params string[] extra) =>
        CliRunner.RunAsync(Clock, ["sweep", "--root", Root, "--store", StoreUrl, "--liveness", $"static:{LivePods}", "--idle-for", "1h", "--node", "node-a", "--json", .. extra]);

    /// <summary>Archives in the store (not manifests, not partial uploads).</summary>
    public IReadOnlyList<string> Archives() =>
        Directory.Exists(StoreDir)
            ? Directory.EnumerateFiles(StoreDir, "*", SearchOption.AllDirectories)
                .Where(f => (f.EndsWith(".tar.gz", StringComparison.Ordinal) || f.EndsWith(".tar.zst", StringComparison.Ordinal)) && !Path.GetFileName(f).StartsWith('.'))
                .Order(StringComparer.Ordinal).ToList()
            : [];

    /// <summary>The manifest beside the store's only archive.</summary>
    public ArchiveManifest Manifest() => ManifestOf(Archives().Single());

    /// <summary>The manifest beside <paramref name="archive"/> (a path in the store).</summary>
    public static ArchiveManifest ManifestOf(string archive) =>
        System.Text.Json.JsonSerializer.Deserialize<ArchiveManifest>(File.ReadAllBytes(archive + ArchiveKeys.ManifestSuffix), ArchiveManifest.Json)!;

    public IReadOnlyList<string> PartialUploads() =>
        Directory.Exists(StoreDir)
            ? Directory.EnumerateFiles(StoreDir, "*", SearchOption.AllDirectories).Where(f => f.Contains(".partial-", StringComparison.Ordinal)).ToList()
            : [];

    public bool Exists(string pod) => Directory.Exists(Path.Combine(Root, pod));

    /// <summary>Everything under the scene (pods, store, the policy's state, anything else written
    /// there), with its mtimes: equal before and after a command means that command touched nothing,
    /// wherever it might have written.</summary>
    public TreeSnapshot Snapshot() => TreeSnapshot.Of(Tmp.Path);

    public void Dispose() => Tmp.Dispose();
}
