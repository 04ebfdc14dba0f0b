using Archiver.Tests.Support;
using Xunit;

namespace Archiver.Tests.Stores.S3;

/// <summary>A policy file whose <c>store:</c> mapping carries the S3 options (no query string), with
/// <c>verify: full</c>: the archive is downloaded and re-hashed before the directory goes.</summary>
[Collection("s3")]
public sealed class S3PolicySweepTests(S3Server server) : IDisposable
{
    private readonly TempDir _temp = new("s3policy");

    [Fact]
    public async Task Sweep_PolicyStoreMappingWithVerifyFull_ArchivesTagsAndDeletes()
    {
        var bucket = await server.CreateBucketAsync("policy");
        var root = _temp.Sub("data");
        var dir = new PodTree(root).Pod("api-3", DateTimeOffset.UtcNow.AddDays(-2));
        var policy = _temp["policy.yaml"];
        await File.WriteAllTextAsync(policy, $"""
            name: s3-policy
            root: {root}
            verify: full
            store:
              url: s3://{bucket}/from-policy
              endpoint: {server.Endpoint}
              region: {server.Region}
              pathStyle: "true"
              credentialsFile: {server.CredentialsFile}
              profile: archiver-test
              tags:
                team: infra
                cost center: "42"
            """);

        var r = await Support.CliRunner.RunAsync("sweep", "--policy", policy, "--liveness", "none", "--node", "node-9");

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.False(Directory.Exists(dir));
        using var client = server.CreateClient();
        var objects = (await client.ListObjectsV2Async(new Amazon.S3.Model.ListObjectsV2Request { BucketName = bucket, Prefix = "from-policy/default/node-9/" })).S3Objects;
        Assert.Equal(2, objects.Count);
        var archive = objects.Single(o => o.Key.EndsWith(".tar.gz", StringComparison.Ordinal));
        var tags = (await client.GetObjectTaggingAsync(new Amazon.S3.Model.GetObjectTaggingRequest { BucketName = bucket, Key = archive.Key })).Tagging;
        Assert.Equal(["cost center=42", "team=infra"], tags.Select(t => $"{t.Key}={t.Value}").Order());
    }

    public void Dispose() => _temp.Dispose();
}
