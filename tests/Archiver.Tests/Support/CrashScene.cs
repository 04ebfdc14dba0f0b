using System.Security.Cryptography;
using Archiver.Archives;
using Xunit;

namespace Archiver.Tests.Support;

/// <summary>
/// Dead pods' directories swept by the real binary (a child process, so it can be killed with
/// SIGKILL) into a fresh bucket or container, and the checks a crash test makes on what the store and
/// the disk hold afterwards. A subclass per store says how to list, download and find open uploads.
/// </summary>
public abstract class CrashScene : IDisposable
{
    private readonly string _dir;
    private readonly string _root;
    private readonly string _storeUrl;
    private readonly IReadOnlyDictionary<string, string> _environment;
    private readonly Dictionary<string, TreeSnapshot> _before = new(StringComparer.Ordinal);

    /// <param name="environment">What the binary gets besides this process's environment (credentials).</param>
    protected CrashScene(string dir, string storeUrl, IReadOnlyDictionary<string, string>? environment = null)
    {
        _dir = dir;
        _root = Path.Combine(dir, "data");
        _storeUrl = storeUrl;
        _environment = environment ?? new Dictionary<string, string>();
    }

    /// <summary>Pods idle for three days (by the real clock: the child process reads it), each with
    /// <paramref name="mibEach"/> MiB of incompressible data, a log and a subdirectory.</summary>
    protected void AddPods(IReadOnlyList<string> pods, int mibEach)
    {
        var tree = new PodTree(_root);
        for (var i = 0; i < pods.Count; i++)
        {
            var seed = i;
            var path = tree.Pod(pods[i], DateTimeOffset.UtcNow.AddDays(-3), d =>
            {
                var data = new byte[mibEach << 20];
                new Random(seed).NextBytes(data);
                File.WriteAllBytes(Path.Combine(d, "data.bin"), data);
                File.WriteAllText(Path.Combine(d, "app.log"), string.Concat(Enumerable.Repeat($"line {seed}\n", 5000)));
                Directory.CreateDirectory(Path.Combine(d, "sub"));
                File.WriteAllText(Path.Combine(d, "sub", "x"), "x");
            });
            _before[pods[i]] = TreeSnapshot.Of(path);
        }
    }

    /// <summary>One sweep; killed with SIGKILL at crash point <paramref name="crashAt"/> or after
    /// <paramref name="killAfter"/>, when given.</summary>
    public Task<ProcessRunner.Result> SweepAsync(string? crashAt = null, TimeSpan? killAfter = null)
    {
        var env = new Dictionary<string, string>(_environment);
        if (crashAt is not null) env["ARCHIVER_CRASH_AT"] = crashAt;
        return ProcessRunner.RunAsync("dotnet",
            [typeof(Archiver.Program).Assembly.Location, "sweep", "--root", _root, "--store", _storeUrl, "--liveness", "none", "--idle-for", "1h", "--node", "node-a", "--json"],
            env: env, killAfter: killAfter);
    }

    /// <summary>The issue's scenario: <paramref name="kills"/> sweeps each killed with SIGKILL at a random
    /// moment (0.3 to 4 s in), each followed by the check that nothing was lost, then one clean sweep
    /// and the check that each directory was archived exactly once. The seed is in every failure
    /// message; <c>ARCHIVER_TEST_CRASH_SEED</c> replays it.</summary>
    public async Task KillAtRandomMomentsThenSweepCleanAsync(int kills)
    {
        var seed = int.TryParse(Environment.GetEnvironmentVariable("ARCHIVER_TEST_CRASH_SEED"), out var s) ? s : Random.Shared.Next();
        var random = new Random(seed);
        for (var kill = 1; kill <= kills; kill++)
        {
            var after = TimeSpan.FromMilliseconds(random.Next(300, 4000));
            var run = await SweepAsync(killAfter: after);
            await AssertNothingLostAsync($"seed {seed}, kill {kill} after {after.TotalMilliseconds} ms (exit {run.ExitCode})");
        }
        var clean = await SweepAsync();
        Assert.True(clean.ExitCode == 0, $"seed {seed}: {clean}");
        await AssertArchivedExactlyOnceAsync($"seed {seed}");
    }

    /// <summary>Writes a new file into a pod's directory now; returns its path.</summary>
    public string Touch(string pod, string name)
    {
        var path = Path.Combine(_root, pod, name);
        File.WriteAllText(path, "written after the crash\n");
        // The scene's clock, not the kernel's stamp (they differ under tests/faketime.sh).
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow);
        return path;
    }

    /// <summary>Every object key in the bucket or container.</summary>
    public abstract Task<List<string>> ObjectKeysAsync();

    /// <summary>Copies object <paramref name="key"/> to the file <paramref name="path"/>.</summary>
    protected abstract Task DownloadToAsync(string key, string path);

    /// <summary>Fails when an upload is left open that the store would have to clean up.</summary>
    protected abstract Task AssertNoOpenUploadAsync(string context);

    /// <summary>Every directory that is gone or changed has a verified archive in the store.</summary>
    public async Task AssertNothingLostAsync(string context)
    {
        foreach (var (pod, before) in _before)
        {
            var dir = Path.Combine(_root, pod);
            if (Directory.Exists(dir) && TreeSnapshot.Of(dir).Diff(before).Count == 0) continue;
            var archives = await ArchivesOfAsync(pod);
            Assert.True(await AnyVerifiedAsync(archives), $"{context}: {pod} was deleted or changed without a verified archive (archives: {string.Join(", ", archives)})");
        }
    }

    /// <summary>No open upload; each directory deleted and archived exactly once (archive and manifest,
    /// nothing else in the store), the archive verified and restoring to the original tree with GNU tar;
    /// the journal empty.</summary>
    public async Task AssertArchivedExactlyOnceAsync(string context)
    {
        await AssertNoOpenUploadAsync(context);
        foreach (var (pod, before) in _before)
        {
            Assert.False(Directory.Exists(Path.Combine(_root, pod)), $"{context}: {pod} still exists");
            var archives = await ArchivesOfAsync(pod);
            var key = Assert.Single(archives);
            Assert.True(await AnyVerifiedAsync(archives), $"{context}: the archive of {pod} does not match its manifest");
            var local = await DownloadAsync(key);
            var outDir = Directory.CreateDirectory(Path.Combine(_dir, "out-" + pod)).FullName;
            ExternalTool.Check("tar", "-xzf", local, "-C", outDir);
            Assert.Empty(TreeSnapshot.Of(Path.Combine(outDir, pod)).Diff(before));
        }
        var objects = await ObjectKeysAsync();
        Assert.True(objects.Count == 2 * _before.Count, $"{context}: expected an archive and a manifest per directory, the store holds {string.Join(", ", objects)}");
        JournalChecks.Settled(Path.Combine(_root, ".archiver", "default"), _before.Keys, context);
    }

    private async Task<List<string>> ArchivesOfAsync(string pod) =>
        (await ObjectKeysAsync()).Where(k => k.EndsWith(".tar.gz", StringComparison.Ordinal) && k.Split('/')[^1].StartsWith(pod + "-", StringComparison.Ordinal)).ToList();

    private async Task<bool> AnyVerifiedAsync(IEnumerable<string> archives)
    {
        var keys = await ObjectKeysAsync();
        foreach (var key in archives)
        {
            if (!keys.Contains(key + ArchiveKeys.ManifestSuffix)) continue;
            var manifest = System.Text.Json.JsonSerializer.Deserialize<ArchiveManifest>(await File.ReadAllBytesAsync(await DownloadAsync(key + ArchiveKeys.ManifestSuffix)), ArchiveManifest.Json)!;
            await using var archive = File.OpenRead(await DownloadAsync(key));
            if (manifest.Archive.Sha256 == Convert.ToHexStringLower(await SHA256.HashDataAsync(archive))) return true;
        }
        return false;
    }

    private async Task<string> DownloadAsync(string key)
    {
        var path = Path.Combine(_dir, "downloads", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await DownloadToAsync(key, path);
        return path;
    }

    public virtual void Dispose() => GC.SuppressFinalize(this);
}
