using Archiver.Tests.Support;
using Archiver.Tests.Support.Identity;

namespace Archiver.Tests.Stores.S3;

/// <summary>
/// IRSA (web identity through STS) and EKS Pod Identity (the node agent's credentials endpoint),
/// end to end: the real binary with only the variables EKS injects, against stand-ins as strict as
/// STS and the agent (see <see cref="FakeSts"/>, <see cref="FakePodIdentityAgent"/>), and the real
/// radosgw accepting the temporary keys, with <see cref="SessionTokenGate"/> checking the session
/// token as S3 does.
/// </summary>
[Collection("s3")]
public sealed class AwsWorkloadIdentityTests(S3Server server) : IDisposable
{
    private const string Role = "arn:aws:iam::123456789012:role/archiver-node";
    private static readonly TimeProvider Clock = TimeProvider.System;

    private readonly IdentityScene _scene = new();

    public static TheoryData<string> Mechanisms => new("web identity", "pod identity");

    /// <summary>The first credentials live 15 minutes, STS's shortest (DurationSeconds 900), which is
    /// inside the SDK's 15-minute refresh window (PreemptExpiryTime in AssumeRoleWithWebIdentityCredentials
    /// and GenericContainerCredentials): the next use refreshes them. The second live an hour.</summary>
    [Theory]
    [MemberData(nameof(Mechanisms))]
    public async Task Sweep_WithOnlyTheInjectedIdentity_ArchivesWithTemporaryKeysAndRefreshesThem(string mechanism)
    {
        using var bucket = await GatedBucket.CreateAsync(server, "irsa", 4, Clock);
        var (keys, proxy) = (bucket.Keys, bucket.Proxy);
        TemporaryCredentials Issue(int n) => keys.Issue(Clock.GetUtcNow(), n == 1 ? TimeSpan.FromMinutes(15) : TimeSpan.FromHours(1));

        var webToken = ServiceAccountToken.Create(FakeSts.Audience, Clock.GetUtcNow(), TimeSpan.FromHours(1));
        var podToken = ServiceAccountToken.Create(FakePodIdentityAgent.Audience, Clock.GetUtcNow(), TimeSpan.FromHours(1));
        await using var sts = new FakeSts(webToken, Role, Issue, Clock);
        await using var agent = new FakePodIdentityAgent(podToken, Issue, Clock);
        var identity = mechanism == "web identity"
            ? new Dictionary<string, string>
            {
                ["AWS_ROLE_ARN"] = Role,
                ["AWS_WEB_IDENTITY_TOKEN_FILE"] = _scene.WriteFile("eks.amazonaws.com-token", webToken),
                ["AWS_ROLE_SESSION_NAME"] = "archiver-node-a",
                ["AWS_ENDPOINT_URL_STS"] = sts.Endpoint,
                ["AWS_STS_REGIONAL_ENDPOINTS"] = "regional",
            }
            : new Dictionary<string, string>
            {
                ["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = agent.FullUri,
                ["AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"] = _scene.WriteFile("eks-pod-identity-token", podToken),
            };

        var sweep = await _scene.SweepAsync(StoreUrl(bucket), identity);

        Assert.True(sweep.ExitCode == 0, $"{sweep}\n{proxy.Log}");
        Assert.Empty(_scene.Remaining);
        Assert.Equal(IdentityScene.Pods.Length * 2, (await bucket.ObjectsAsync()).Count);
        Assert.DoesNotContain(mechanism == "web identity" ? webToken : podToken, sweep.Out + sweep.Error, StringComparison.Ordinal);

        // Two exchanges: the first credentials, then their refresh (the first ones are inside the refresh
        // window from the start, the second live an hour); every S3 request signed with an issued key
        // and carrying that key's token (the gate refused anything else), and the refreshed key is the
        // one in use at the end. Which key the very first requests carry, and which request arrives
        // last, is a race (directories upload in parallel; the SDK may resolve credentials twice before
        // its first request): the order that holds is that of the signing times (X-Amz-Date) at the
        // end of the sweep, long after the refresh.
        Assert.Equal(2, mechanism == "web identity" ? sts.Exchanges : agent.Exchanges);
        var (first, second) = (keys.Issued[0], keys.Issued[1]);
        bucket.AssertEveryRequestCarriedItsKeysToken();
        string LastSignedWith(TemporaryCredentials key) =>
            proxy.Requests.Where(r => SessionTokenGate.KeyIdOf(r) == key.AccessKeyId).Select(r => r.Headers!["X-Amz-Date"]).DefaultIfEmpty("").Max()!;
        var (lastFirst, lastSecond) = (LastSignedWith(first), LastSignedWith(second));
        Assert.True(lastSecond.Length > 0 && string.CompareOrdinal(lastSecond, lastFirst) >= 0,
            $"the refreshed key signs the last requests (first key last at '{lastFirst}', refreshed key last at '{lastSecond}'):\n{proxy.Log}");

        if (mechanism == "web identity")
            Assert.All(sts.Requests, r =>
            {
                Assert.Equal("POST", r.Method);
                Assert.False(r.Headers.ContainsKey("Authorization"), "AssumeRoleWithWebIdentity is called unsigned");
                var form = System.Text.Encoding.UTF8.GetString(r.Body);
                Assert.Contains("Action=AssumeRoleWithWebIdentity", form);
                Assert.Contains("RoleSessionName=archiver-node-a", form);
                Assert.Contains("RoleArn=" + Uri.EscapeDataString(Role), form);
            });
        else
            Assert.All(agent.Requests, r => Assert.Equal(podToken, r.Headers["Authorization"]));
    }

    /// <summary>No IRSA, no Pod Identity: the node's instance role through IMDSv2 (the SDK's default
    /// chain, which Archiver asks per request like the others so that key and token stay together).</summary>
    [Fact]
    public async Task Sweep_WithOnlyTheNodesInstanceRole_ArchivesWithItsTemporaryKeysThroughImdsV2()
    {
        using var bucket = await GatedBucket.CreateAsync(server, "imds", 4, Clock);
        await using var imds = new FakeImds("archiver-node-role", _ => bucket.Keys.Issue(Clock.GetUtcNow(), TimeSpan.FromHours(6)), Clock);

        var sweep = await _scene.SweepAsync(StoreUrl(bucket), new Dictionary<string, string>
        {
            ["AWS_EC2_METADATA_DISABLED"] = "false",
            ["AWS_EC2_METADATA_SERVICE_ENDPOINT"] = imds.Endpoint,
        });

        Assert.True(sweep.ExitCode == 0, $"{sweep}\n{bucket.Proxy.Log}\n{string.Join('\n', imds.Requests.Select(r => $"{r.Method} {r.Target}"))}");
        Assert.Empty(_scene.Remaining);
        Assert.Equal(IdentityScene.Pods.Length * 2, (await bucket.ObjectsAsync()).Count);
        Assert.True(imds.Exchanges >= 1);
        Assert.All(imds.Requests.Where(r => r.Method == "GET"), r => Assert.True(imds.IsValidToken(r.Headers.GetValueOrDefault("X-aws-ec2-metadata-token")), $"{r.Target} without a valid IMDSv2 token"));
        bucket.AssertEveryRequestCarriedItsKeysToken();
    }

    private string StoreUrl(GatedBucket bucket) =>
        $"s3://{bucket.Name}/p?endpoint={Uri.EscapeDataString(bucket.Proxy.Endpoint)}&pathStyle=true&region={server.Region}";

    public void Dispose() => _scene.Dispose();
}
