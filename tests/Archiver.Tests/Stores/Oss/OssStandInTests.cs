using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Archiver.Tests.Support;
using Xunit;

namespace Archiver.Tests.Stores.Oss;

/// <summary>
/// The OSS stand-in refuses what OSS's S3-compatible endpoint refuses (each rule's source is in
/// <see cref="OssDialect"/>), with OSS's status and error code, and nothing refused reaches the S3
/// server behind it. Requests come from a plain AWS SDK client set up the ways OSS does not accept.
/// </summary>
[Collection("s3")]
public sealed class OssStandInTests(S3Server server) : IDisposable
{
    private readonly OssDialectProxy _oss = new(server);

    public static TheoryData<string, int, string, string> Refusals => new()
    {
        { "path-style", 403, "SecondLevelDomainForbidden", "vhost" },
        { "aws-chunked", 400, "InvalidArgument", "chunked" },
        { "checksum header", 400, "InvalidArgument", "checksum" },
        { "wrong secret", 403, "SignatureDoesNotMatch", "signed" },
        { "unknown key", 403, "InvalidAccessKeyId", "signed" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task PutObject_WhatOssRefuses_RefusedWithOssErrorAndNothingStored(string how, int status, string code, string rule)
    {
        var bucket = await server.CreateBucketAsync("refuse");
        using var client = Client(how);
        var request = new PutObjectRequest { BucketName = bucket, Key = "k.json", ContentBody = "{\"a\":1}", UseChunkEncoding = how == "aws-chunked" };
        if (how == "checksum header") request.ChecksumAlgorithm = ChecksumAlgorithm.CRC32;

        var e = await Assert.ThrowsAsync<AmazonS3Exception>(() => client.PutObjectAsync(request));

        Assert.Equal(status, (int)e.StatusCode);
        Assert.Equal(code, e.ErrorCode);
        var refused = Assert.Single(_oss.Refused);
        Assert.Equal(rule, refused.Refusal!.Rule);
        _oss.Acknowledge(refused);
        using var direct = server.CreateClient();
        Assert.Empty((await direct.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket })).S3Objects ?? []);
    }

    [Theory]
    [InlineData("ListMultipartUploads")]
    [InlineData("PutObjectTagging")]
    public async Task Operation_NotInAlibabasCompatibilityList_NotImplemented(string operation)
    {
        var bucket = await server.CreateBucketAsync("ops");
        using var client = Client("ok");
        await client.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k.json", ContentBody = "{}", UseChunkEncoding = false });

        var e = await Assert.ThrowsAsync<AmazonS3Exception>(() => operation == "ListMultipartUploads"
            ? client.ListMultipartUploadsAsync(new ListMultipartUploadsRequest { BucketName = bucket })
            : client.PutObjectTaggingAsync(new PutObjectTaggingRequest { BucketName = bucket, Key = "k.json", Tagging = new Tagging { TagSet = [new Tag { Key = "a", Value = "b" }] } }));

        Assert.Equal(501, (int)e.StatusCode);
        Assert.Equal("NotImplemented", e.ErrorCode);
        var refused = Assert.Single(_oss.Refused);
        Assert.StartsWith(operation, refused.Operation, StringComparison.Ordinal);
        _oss.Acknowledge(refused);
    }

    public void Dispose()
    {
        var refused = _oss.Refused;
        _oss.Dispose();
        Assert.True(refused.Count == 0, "the OSS stand-in refused:\n" + string.Join('\n', refused));
    }

    /// <summary>"ok": what OSS accepts (virtual-hosted, checksums only when required, the stand-in's
    /// keys); otherwise that one thing changed.</summary>
    private AmazonS3Client Client(string how)
    {
        var keys = how switch
        {
            "wrong secret" => new BasicAWSCredentials(_oss.Keys.Id, "not-the-secret"),
            "unknown key" => new BasicAWSCredentials("LTAInobody", _oss.Keys.Secret),
            _ => new BasicAWSCredentials(_oss.Keys.Id, _oss.Keys.Secret),
        };
        var config = new AmazonS3Config
        {
            ServiceURL = _oss.Endpoint,
            AuthenticationRegion = _oss.Region,
            ForcePathStyle = how == "path-style",
            MaxErrorRetry = 0,
            HttpClientFactory = new LoopbackHttpClientFactory(_oss.LoopbackHandler),
        };
        if (how is not ("aws-chunked" or "checksum header"))
            config.RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED;
        return new AmazonS3Client(keys, config);
    }
}
