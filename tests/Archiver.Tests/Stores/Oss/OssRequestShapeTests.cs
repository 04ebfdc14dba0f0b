using System.Security.Cryptography;
using Archiver.Stores;
using Archiver.Stores.S3;
using Archiver.Tests.Support;
using Xunit;

namespace Archiver.Tests.Stores.Oss;

/// <summary>What an <c>oss://</c> store puts on the wire, recorded by a local HTTP server: OSS's
/// S3-compatible endpoint rejects path-style buckets, aws-chunked bodies and checksum trailers.</summary>
public sealed class OssRequestShapeTests
{
    private static readonly Dictionary<string, string> Env = new()
    {
        ["OSS_ACCESS_KEY_ID"] = "LTAIexampleid",
        ["OSS_ACCESS_KEY_SECRET"] = "oss-very-secret-value",
    };

    [Fact]
    public async Task Upload_OssStore_HostStyleBucketNoChunkedNoChecksumTrailersWithContentMd5()
    {
        await using var server = new RecordingHttpServer(FakeS3.Answer);
        var provider = new S3StoreProvider(S3Flavor.Oss, Env.GetValueOrDefault, TimeProvider.System, new LoopbackHttpClientFactory(server));
        await using var store = provider.Create(new Uri("oss://archive-bucket/prod"), new Dictionary<string, string>
        {
            ["endpoint"] = $"http://localhost:{server.Port}",
            ["region"] = "cn-hangzhou",
            ["partSize"] = "5MiB",
        });

        var data = new byte[(6 << 20) + 123];
        new Random(1).NextBytes(data);
        await using (var upload = await store.BeginUploadAsync("node/pod/dir.tar.gz", CancellationToken.None))
        {
            await Task.Run(() => upload.Content.Write(data));
            await upload.CompleteAsync(CancellationToken.None);
        }
        await store.PutAsync("node/pod/dir.tar.gz.manifest.json", "{}"u8.ToArray(), CancellationToken.None);

        var requests = server.Requests.ToList();
        Assert.Equal(["POST", "PUT", "PUT", "POST", "PUT"], requests.Select(r => r.Method));
        Assert.All(requests, r =>
        {
            Assert.Equal($"archive-bucket.localhost:{server.Port}", r.Host);
            Assert.StartsWith("/prod/node/pod/dir.tar.gz", r.Path);
            Assert.DoesNotContain(r.Headers, h => h.Key.StartsWith("x-amz-checksum-", StringComparison.OrdinalIgnoreCase));
            Assert.DoesNotContain(r.Headers, h => h.Key.Equals("x-amz-trailer", StringComparison.OrdinalIgnoreCase) || h.Key.Equals("x-amz-sdk-checksum-algorithm", StringComparison.OrdinalIgnoreCase));
            Assert.DoesNotContain("aws-chunked", r.Headers.GetValueOrDefault("Content-Encoding") ?? "");
            Assert.DoesNotContain("STREAMING", r.Headers.GetValueOrDefault("x-amz-content-sha256") ?? "");
            Assert.DoesNotContain("chunked", r.Headers.GetValueOrDefault("Transfer-Encoding") ?? "");
            Assert.DoesNotContain("oss-very-secret-value", string.Join('\n', r.Headers.Values));
        });
        var puts = requests.Where(r => r.Method == "PUT").ToList();
        Assert.All(puts, r =>
        {
            Assert.Equal(Convert.ToBase64String(MD5.HashData(r.Body)), r.Headers["Content-MD5"]);
            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(r.Body)), r.Headers["x-amz-content-sha256"]);
            Assert.Equal(r.Body.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), r.Headers["Content-Length"]);
        });
        var parts = puts.Where(r => r.Query.Contains("partNumber=", StringComparison.Ordinal))
            .OrderBy(r => r.Query.Contains("partNumber=1&", StringComparison.Ordinal) || r.Query.EndsWith("partNumber=1", StringComparison.Ordinal) ? 0 : 1).ToList();
        Assert.Equal(5 << 20, parts[0].Body.Length);
        Assert.True(data.AsSpan().SequenceEqual([.. parts[0].Body, .. parts[1].Body]), "the parts put together are not the data written");
    }

    [Fact]
    public void Parse_OssRegion_UsesS3CompatibleEndpointAndInternalVariant()
    {
        var problems = new List<string>();
        var o = S3StoreOptions.Parse(S3Flavor.Oss, new Uri("oss://b/p"), new Dictionary<string, string> { ["region"] = "cn-hangzhou" }, _ => null, problems);
        var internalO = S3StoreOptions.Parse(S3Flavor.Oss, new Uri("oss://b/p"), new Dictionary<string, string> { ["region"] = "cn-beijing", ["internal"] = "true" }, _ => null, problems);
        Assert.Empty(problems);
        Assert.Equal("https://s3.oss-cn-hangzhou.aliyuncs.com/", o.Endpoint!.AbsoluteUri);
        Assert.Equal("https://s3.oss-cn-beijing-internal.aliyuncs.com/", internalO.Endpoint!.AbsoluteUri);
        Assert.False(o.PathStyle);
        Assert.False(o.IsAws);
    }

    [Fact]
    public void Parse_OssWithS3NamesForClassAndEncryption_EveryProblemNamesOssValues()
    {
        var problems = new List<string>();
        S3StoreOptions.Parse(S3Flavor.Oss, new Uri("oss://b/p"), new Dictionary<string, string>
        {
            ["region"] = "cn-hangzhou", ["storageClass"] = "STANDARD_IA", ["sse"] = "aws:kms", ["kmsKeyId"] = "k",
        }, _ => null, problems);
        var ok = new List<string>();
        var o = S3StoreOptions.Parse(S3Flavor.Oss, new Uri("oss://b/p"), new Dictionary<string, string>
        {
            ["region"] = "cn-hangzhou", ["storageClass"] = "IA", ["sse"] = "KMS", ["kmsKeyId"] = "k",
        }, _ => null, ok);

        Assert.Equal(3, problems.Count);
        Assert.Contains(problems, p => p.Contains("'STANDARD_IA'", StringComparison.Ordinal) && p.Contains("Standard, IA, Archive, ColdArchive, DeepColdArchive", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("'aws:kms'", StringComparison.Ordinal) && p.Contains("AES256, KMS, SM4", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("kmsKeyId needs sse: KMS", StringComparison.Ordinal));
        Assert.Empty(ok);
        Assert.Equal(("IA", "KMS"), (o.StorageClass, o.Sse));
    }

    [Fact]
    public void Create_OssWithoutCredentials_ConfigurationErrorNamesTheVariables()
    {
        var provider = new S3StoreProvider(S3Flavor.Oss, _ => null);
        var e = Assert.Throws<ConfigurationException>(() => provider.Create(new Uri("oss://b/p"), new Dictionary<string, string> { ["region"] = "cn-hangzhou" }));
        Assert.Contains("OSS_ACCESS_KEY_ID", e.Message);
        Assert.Contains("OSS_ACCESS_KEY_SECRET", e.Message);
    }
}
