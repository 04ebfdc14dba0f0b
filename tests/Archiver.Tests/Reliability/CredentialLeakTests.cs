using System.Text;
using Amazon.S3.Model;
using Archiver.Archives;
using Archiver.Hosting;
using Archiver.Policies;
using Archiver.Tests.Hosting;
using Archiver.Tests.Support;
using Xunit;

namespace Archiver.Tests.Reliability;

/// <summary>
/// The S3 secret key must never be written anywhere: not in stdout, stderr or Verbose logs of
/// sweep/list/verify (the real binary), not in a failing run's error, not in manifests or objects,
/// the journal and history under the state directory, the daemon's /metrics, or the Kubernetes
/// events Archiver records.
/// </summary>
[Collection("s3")]
public sealed class CredentialLeakTests(S3Server server) : IDisposable
{
    private const string WrongSecret = "Wr0ngSecret-q7ZxKv3Lp9MdTn2Rb8Yw";

    private readonly TempDir _temp = new("creds");

    [Fact]
    public async Task SweepListVerifyFailureAndDaemon_SecretKeyAppearsNowhere()
    {
        Assert.True(server.SecretKey.Length >= 8, "the test needs a secret distinctive enough to search for");
        var bucket = await server.CreateBucketAsync("leak");
        var root = _temp.Sub("data");
        var state = _temp.Sub("state");
        var tree = new PodTree(root);
        tree.Pod("gone-1", DateTimeOffset.UtcNow.AddDays(-2));
        await using var api = FakeKubernetesApi.Start();
        api.AddPod("default", "web-0");
        var kubeconfig = api.WriteKubeconfig(_temp.Path);
        var url = server.StoreUrl(bucket, "p");
        var seen = new StringBuilder();

        var sweep = await ArchiverAsync("sweep", "--root", root, "--store", url, "--state", state, "--liveness", "kubernetes", "--kubeconfig", kubeconfig,
            "--node", "node-a", "--format", "tar.zst", "--log-level", "Verbose", "--json");
        Assert.True(sweep.ExitCode == 0, sweep.ToString());
        Assert.Matches(" (VRB|DBG|INF) ", sweep.Error);
        Assert.NotEmpty(api.Events);
        var key = sweep.Out.Split('\n').Select(l => System.Text.Json.JsonDocument.Parse(l.Length == 0 ? "{}" : l).RootElement)
            .Select(j => j.TryGetProperty("key", out var k) ? k.GetString() : null).First(k => k is not null)!;
        var list = await ArchiverAsync("list", "--store", url, "--json", "--log-level", "Verbose");
        var verify = await ArchiverAsync("verify", key, "--store", url, "--log-level", "Verbose");
        Assert.True(list.ExitCode == 0 && verify.ExitCode == 0, list + "\n" + verify);
        Assert.Contains(key, list.Out);

        tree.Pod("gone-2", DateTimeOffset.UtcNow.AddDays(-2));
        var badCredentials = _temp["bad-credentials"];
        await File.WriteAllTextAsync(badCredentials, $"[archiver-test]\naws_access_key_id = {server.AccessKey}\naws_secret_access_key = {WrongSecret}\n");
        var badUrl = url.Replace(Uri.EscapeDataString(server.CredentialsFile), Uri.EscapeDataString(badCredentials), StringComparison.Ordinal);
        var failing = await ArchiverAsync("sweep", "--root", root, "--store", badUrl, "--state", state, "--liveness", "none", "--node", "node-a", "--log-level", "Verbose");
        Assert.True(failing.ExitCode == 1, failing.ToString());
        Assert.Contains("secret key is wrong", failing.Out + failing.Error);
        File.Delete(badCredentials);

        var metrics = await DaemonMetricsAsync(url, root, state);
        Assert.Contains("archiver_sweeps_total", metrics);

        foreach (var r in new[] { sweep, list, verify, failing }) seen.Append(r.Out).Append(r.Error);
        seen.Append(metrics);
        foreach (var e in api.Events) seen.Append(e.ToJsonString());
        foreach (var q in api.Requests) seen.Append(q.Body);
        var stateFiles = Directory.EnumerateFiles(state, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 }).ToList();
        Assert.NotEmpty(stateFiles);
        foreach (var f in stateFiles)
            seen.Append(Encoding.UTF8.GetString(await File.ReadAllBytesAsync(f)));
        seen.Append(await StoreContentsAsync(bucket));

        Assert.Contains("gone-1", seen.ToString());
        foreach (var secret in new[] { server.SecretKey, WrongSecret })
        {
            Assert.DoesNotContain(secret, seen.ToString(), StringComparison.Ordinal);
            Assert.DoesNotContain(Uri.EscapeDataString(secret), seen.ToString(), StringComparison.Ordinal);
            Assert.DoesNotContain(Convert.ToBase64String(Encoding.UTF8.GetBytes(secret)), seen.ToString(), StringComparison.Ordinal);
        }
    }

    /// <summary>Every object in the bucket as text, archives decompressed.</summary>
    private async Task<string> StoreContentsAsync(string bucket)
    {
        using var client = server.CreateClient();
        var text = new StringBuilder();
        var objects = (await client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket })).S3Objects ?? [];
        Assert.True(objects.Count >= 2, $"{objects.Count} objects");
        foreach (var o in objects)
        {
            using var response = await client.GetObjectAsync(bucket, o.Key);
            using var buffer = new MemoryStream();
            if (o.Key.EndsWith(".tar.zst", StringComparison.Ordinal))
                await using (var tar = Compression.Decompress(response.ResponseStream, ArchiveFormat.TarZst)) await tar.CopyToAsync(buffer);
            else
                await response.ResponseStream.CopyToAsync(buffer);
            text.Append(o.Key).Append(Encoding.UTF8.GetString(buffer.ToArray()));
        }
        return text.ToString();
    }

    /// <summary>The daemon sweeping the same store once (a third pod), then its /metrics text.</summary>
    private async Task<string> DaemonMetricsAsync(string url, string root, string state)
    {
        new PodTree(root).Pod("gone-3", DateTimeOffset.UtcNow.AddDays(-2));
        var policies = _temp.Sub("policies");
        await File.WriteAllTextAsync(Path.Combine(policies, "leak.yaml"),
            $"name: leak\nroot: {root}\nstate: {state}\nstore: \"{url}\"\nliveness: none\nidleFor: 1h\nschedule: \"0 3 * * *\"\nrunOnStart: true\n");
        await using var daemon = new ArchiverDaemon(HostingKit.Options(policies), TimeProvider.System, new StatvfsDiskUsageProbe());
        await daemon.StartAsync(CancellationToken.None);
        await HostingKit.WaitUntilAsync(() => daemon.Metrics.Get("archiver_sweeps_total", ("policy", "leak"), ("result", "ok")) == 1, 60, "the daemon's sweep");
        var (_, metrics) = await HostingKit.GetAsync(daemon.Endpoint!, "/metrics");
        await daemon.StopAsync(CancellationToken.None);
        Assert.False(Directory.Exists(Path.Combine(root, "gone-3")), metrics);
        return metrics;
    }

    /// <summary>The real binary, in the environment of the DaemonSet's pod (so the sweep records events).</summary>
    private static Task<ProcessRunner.Result> ArchiverAsync(params string[] args) =>
        ProcessRunner.RunAsync("dotnet", [Path.Combine(AppContext.BaseDirectory, "archiver.dll"), .. args], timeout: TimeSpan.FromMinutes(2),
            env: new Dictionary<string, string>(Kubernetes.KubernetesSweep.InPod));

    public void Dispose() => _temp.Dispose();
}
