using System.Security.Cryptography;
using Amazon.S3;
using Amazon.S3.Model;
using Archiver.Archives;
using Xunit;

namespace Archiver.Tests.Support;

/// <summary>
/// Dead pods' directories swept by the real binary (a child process, so it can be killed with
/// SIGKILL) into a fresh bucket on the test S3 server, and the checks a crash test makes on what
/// the bucket and the disk hold afterwards.
/// </summary>
public sealed class S3CrashScene : IDisposable
{
    private readonly string _dir;
    private readonly string _root;
    private readonly string _bucket;
    private readonly string _storeUrl;
    private readonly IAmazonS3 _client;
    private readonly Dictionary<string, TreeSnapshot> _before = new(StringComparer.Ordinal);

    private S3CrashScene(S3Server server, string dir, string bucket, string storeOptions)
    {
        _dir = dir;
        _root = Path.Combine(dir, "data");
        _bucket = bucket;
        _storeUrl = server.StoreUrl(bucket, "", storeOptions);
        _client = server.CreateClient();
    }

    /// <summary>Pods idle for three days (by the real clock: the child process reads it), each with
    /// <paramref name="mibEach"/> MiB of incompressible data, a log and a subdirectory.</summary>
    public static async Task<S3CrashScene> CreateAsync(S3Server server, string dir, IReadOnlyList<string> pods, int mibEach, string storeOptions)
    {
        var scene = new S3CrashScene(server, dir, await server.CreateBucketAsync("crash"), storeOptions);
        var tree = new PodTree(scene._root);
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
            scene._before[pods[i]] = TreeSnapshot.Of(path);
        }
        return scene;
    }

    /// <summary>One sweep; killed with SIGKILL at crash point <paramref name="crashAt"/> or after
    /// <paramref name="killAfter"/>, when given.</summary>
    public Task<ProcessRunner.Result> SweepAsync(string? crashAt = null, TimeSpan? killAfter = null) =>
        ProcessRunner.RunAsync("dotnet",
            [typeof(Archiver.Program).Assembly.Location, "sweep", "--root", _root, "--store", _storeUrl, "--liveness", "none", "--idle-for", "1h", "--node", "node-a", "--json"],
            env: crashAt is null ? null : new Dictionary<string, string> { ["ARCHIVER_CRASH_AT"] = crashAt },
            killAfter: killAfter);

    /// <summary>Writes a new file into a pod's directory now; returns its path.</summary>
    public string Touch(string pod, string name)
    {
        var path = Path.Combine(_root, pod, name);
        File.WriteAllText(path, "written after the crash\n");
        // The scene's clock, not the kernel's stamp (they differ under tests/faketime.sh).
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow);
        return path;
    }

    /// <summary>Multipart uploads open anywhere in the bucket.</summary>
    public async Task<IReadOnlyList<MultipartUpload>> OpenUploadsAsync() =>
        (await _client.ListMultipartUploadsAsync(new ListMultipartUploadsRequest { BucketName = _bucket })).MultipartUploads ?? [];

    /// <summary>Every directory that is gone or changed has a verified archive in the bucket.</summary>
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
    /// nothing else in the bucket), the archive verified and restoring to the original tree; the
    /// journal empty.</summary>
    public async Task AssertArchivedExactlyOnceAsync(string context)
    {
        var open = await OpenUploadsAsync();
        Assert.True(open.Count == 0, $"{context}: {open.Count} multipart uploads left open: {string.Join(", ", open.Select(u => $"{u.Key} ({u.UploadId})"))}");
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
        Assert.True(objects.Count == 2 * _before.Count, $"{context}: expected an archive and a manifest per directory, the bucket holds {string.Join(", ", objects)}");
        JournalChecks.Settled(Path.Combine(_root, ".archiver", "default"), _before.Keys, context);
    }

    /// <summary>Every object key in the bucket.</summary>
    public async Task<List<string>> ObjectKeysAsync()
    {
        var request = new ListObjectsV2Request { BucketName = _bucket };
        var keys = new List<string>();
        ListObjectsV2Response page;
        do
        {
            page = await _client.ListObjectsV2Async(request);
            keys.AddRange((page.S3Objects ?? []).Select(o => o.Key));
            request.ContinuationToken = page.NextContinuationToken;
        }
        while (page.IsTruncated == true);
        return keys;
    }

    private async Task<List<string>> ArchivesOfAsync(string pod) =>
        (await ObjectKeysAsync()).Where(k => k.EndsWith(".tar.gz", StringComparison.Ordinal) && k.Split('/')[^1].StartsWith(pod + "-", StringComparison.Ordinal)).ToList();

    private async Task<bool> AnyVerifiedAsync(IEnumerable<string> archives)
    {
        foreach (var key in archives)
        {
            ArchiveManifest manifest;
            try
            {
                manifest = System.Text.Json.JsonSerializer.Deserialize<ArchiveManifest>(await File.ReadAllBytesAsync(await DownloadAsync(key + ArchiveManifest.Suffix)), ArchiveManifest.Json)!;
            }
            catch (AmazonS3Exception e) when (e.StatusCode == System.Net.HttpStatusCode.NotFound)
            {
                continue;
            }
            await using var archive = File.OpenRead(await DownloadAsync(key));
            if (manifest.Archive.Sha256 == Convert.ToHexStringLower(await SHA256.HashDataAsync(archive))) return true;
        }
        return false;
    }

    private async Task<string> DownloadAsync(string key)
    {
        var path = Path.Combine(_dir, "downloads", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var response = await _client.GetObjectAsync(_bucket, key);
        await using (var file = File.Create(path))
            await response.ResponseStream.CopyToAsync(file);
        return path;
    }

    public void Dispose() => _client.Dispose();
}
