using Amazon.S3.Model;
using Archiver.Tests.Hosting;
using Archiver.Tests.Support;
using Xunit;

namespace Archiver.Tests.Reliability;

/// <summary>The real daemon (<c>archiver run</c>, a child process) gets SIGTERM while a large
/// multipart upload to the real S3 server is under way.</summary>
[Collection("s3")]
public sealed class S3SigtermTests(S3Server server) : IDisposable
{
    private readonly TempDir _temp = new("s3sigterm");

    [Fact]
    public async Task Sigterm_DuringLargeS3Upload_DeletesNothingAbortsTheUploadAndRestartFinishes()
    {
        var bucket = await server.CreateBucketAsync("term");
        var root = _temp.Sub("data");
        var pod = new PodTree(root).Pod("big-0", DateTimeOffset.UtcNow.AddDays(-3), d =>
        {
            var data = new byte[32 << 20];
            new Random(3).NextBytes(data);
            File.WriteAllBytes(Path.Combine(d, "data.bin"), data);
        });
        var size = new FileInfo(Path.Combine(pod, "data.bin")).Length;
        var policies = _temp.Sub("policies");
        WritePolicy(policies, root, server.StoreUrl(bucket, "", "partSize=5MiB&bandwidth=3MiB"));
        using var client = server.CreateClient();

        using (var first = new DaemonProcess(policies))
        {
            await WaitForUploadWithPartsAsync(client, bucket, first);
            var (code, took) = await first.TerminateAsync();

            Assert.True(code == 0, $"exit {code}\n{first.Output}");
            Assert.DoesNotContain(server.SecretKey, first.Output); // the daemon's own JSON logs
            Assert.True(took < TimeSpan.FromSeconds(10), $"took {took} (grace 10s)\n{first.Output}");
        }
        Assert.Equal(size, new FileInfo(Path.Combine(pod, "data.bin")).Length);
        Assert.Empty((await client.ListMultipartUploadsAsync(bucket)).MultipartUploads ?? []);
        Assert.Empty((await client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket })).S3Objects ?? []);

        WritePolicy(policies, root, server.StoreUrl(bucket, "", "partSize=5MiB"));
        using (var second = new DaemonProcess(policies))
        {
            await HostingKit.WaitUntilAsync(() => !Directory.Exists(pod) || second.HasExited, 120, "the restarted daemon to finish the job");
            Assert.False(second.HasExited, second.Output);
            var (code, _) = await second.TerminateAsync();
            Assert.True(code == 0, $"exit {code}\n{second.Output}");
            Assert.Contains("\"@mt\"", second.Output);
            Assert.DoesNotContain(server.SecretKey, second.Output);
        }
        Assert.Empty((await client.ListMultipartUploadsAsync(bucket)).MultipartUploads ?? []);
        var objects = (await client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket })).S3Objects ?? [];
        Assert.Equal(2, objects.Count);
        Assert.True(objects.Single(o => o.Key.EndsWith(".tar.zst", StringComparison.Ordinal)).Size > size);
    }

    private void WritePolicy(string policies, string root, string url) =>
        File.WriteAllText(Path.Combine(policies, "big.yaml"),
            $"name: big\nroot: {root}\nstate: {_temp.Sub("state")}\nstore: \"{url}\"\nliveness: none\nidleFor: 1h\nformat: tar.zst\n" +
            "key: \"{node}/{pod}/{dir}-{timestamp}.tar.zst\"\nschedule: \"0 3 * * *\"\nrunOnStart: true\n");

    private static async Task WaitForUploadWithPartsAsync(Amazon.S3.IAmazonS3 client, string bucket, DaemonProcess daemon)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline && !daemon.HasExited)
        {
            foreach (var u in (await client.ListMultipartUploadsAsync(bucket)).MultipartUploads ?? [])
                if (((await client.ListPartsAsync(bucket, u.Key, u.UploadId)).Parts ?? []).Count > 0) return;
            await Task.Delay(100);
        }
        throw new InvalidOperationException($"no upload with parts appeared in {bucket} (daemon exited: {daemon.HasExited})\n{daemon.Output}");
    }

    public void Dispose() => _temp.Dispose();
}
