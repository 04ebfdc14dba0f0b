using Archiver.Composition;
using Archiver.Policies;
using Archiver.Stores.S3;
using Archiver.Stores;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace Archiver.Tests.Stores.S3;

/// <summary>Store URLs and options: everything wrong is reported at once, before any network call.</summary>
public sealed class S3StoreOptionsTests
{
    private static S3StoreOptions Parse(string url, Dictionary<string, string>? options = null, Dictionary<string, string>? env = null, List<string>? problems = null) =>
        S3StoreOptions.Parse(S3Flavor.S3, new Uri(url), options ?? [], k => env?.GetValueOrDefault(k), problems ?? []);

    [Fact]
    public void Parse_FullUrl_ReadsBucketPrefixAndOptions()
    {
        var problems = new List<string>();
        var o = Parse("s3://archive/prod/logs", new()
        {
            ["endpoint"] = "http://127.0.0.1:9000", ["region"] = "eu-west-1", ["pathStyle"] = "true", ["storageClass"] = "STANDARD_IA",
            ["sse"] = "aws:kms", ["kmsKeyId"] = "key-1", ["tags"] = "team=infra, env=prod", ["partSize"] = "16MiB", ["bandwidth"] = "50MiB/s",
            ["timeout"] = "90s",
        }, problems: problems);

        Assert.Empty(problems);
        Assert.Equal(("archive", "prod/logs/"), (o.Bucket, o.Prefix));
        Assert.Equal("http://127.0.0.1:9000/", o.Endpoint!.AbsoluteUri);
        Assert.True(o.PathStyle);
        Assert.Equal(16L << 20, o.PartSize);
        Assert.Equal(50L << 20, o.Bandwidth);
        Assert.Equal(TimeSpan.FromSeconds(90), o.Timeout);
        Assert.Equal(TimeSpan.FromMinutes(5), Parse("s3://b").Timeout);
        Assert.Equal([new("team", "infra"), new("env", "prod")], o.Tags);
        Assert.False(o.IsAws);
        Assert.Equal("s3://archive/prod/logs/", o.Location);
    }

    [Fact]
    public void Parse_NoEndpoint_UsesAwsEndpointUrlVariablesThenAws()
    {
        Assert.Equal("http://minio:9000/", Parse("s3://b", env: new() { ["AWS_ENDPOINT_URL_S3"] = "http://minio:9000", ["AWS_ENDPOINT_URL"] = "http://other" }).Endpoint!.AbsoluteUri);
        Assert.Equal("http://other/", Parse("s3://b", env: new() { ["AWS_ENDPOINT_URL"] = "http://other" }).Endpoint!.AbsoluteUri);
        var aws = Parse("s3://b");
        Assert.Null(aws.Endpoint);
        Assert.True(aws.IsAws);
    }

    [Fact]
    public void Validate_ManyMistakes_ReportsEveryOneThroughTheFactory()
    {
        var problems = StoreFactory.Validate(new StoreSpec("s3://bucket/p?endpoint=ftp://x&sse=DES&kmsKeyId=k&partSize=1MiB&bandwidth=fast&pathStyle=maybe&colour=blue&tags=novalue&timeout=0s")).ToList();

        Assert.Contains(problems, p => p.Contains("endpoint 'ftp://x", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("sse 'DES'", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("kmsKeyId needs sse: aws:kms", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("partSize '1MiB'", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("bandwidth 'fast'", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("pathStyle 'maybe'", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("no option 'colour'", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("tag 'novalue'", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("timeout '0s' must be a duration from 1s to 1h", StringComparison.Ordinal));
    }

    [Fact]
    public void Create_SecretInUrlOrMissingProfile_ConfigurationErrorWithoutTheSecret()
    {
        var withUserInfo = Assert.Throws<ConfigurationException>(() => StoreFactory.Create(new StoreSpec("s3://AKID:topsecret@bucket/p")));
        var missingProfile = Assert.Throws<ConfigurationException>(() => StoreFactory.Create(new StoreSpec("s3://bucket/p?endpoint=http://127.0.0.1:9&region=us-east-1&credentialsFile=/nonexistent/credentials&profile=nope")));

        Assert.DoesNotContain("topsecret", withUserInfo.Message);
        Assert.Contains("must not carry credentials", withUserInfo.Message);
        Assert.Contains("profile 'nope' was not found in /nonexistent/credentials", missingProfile.Message);
    }

    [Fact]
    public async Task WaitAsync_CappedBandwidth_SpacesPartsAtTheCap()
    {
        var clock = new FakeTimeProvider();
        var limiter = new BandwidthLimiter(1 << 20, clock);

        var first = limiter.WaitAsync(2 << 20, CancellationToken.None);
        var second = limiter.WaitAsync(1 << 20, CancellationToken.None);

        Assert.True(first.IsCompleted);
        clock.Advance(TimeSpan.FromSeconds(1.9));
        Assert.False(second.IsCompleted);
        clock.Advance(TimeSpan.FromSeconds(0.2));
        await second;
    }
}
