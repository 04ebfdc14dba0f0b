using System.Collections.Concurrent;
using Amazon.S3.Model;
using Archiver.Tests.Support;
using Xunit;

namespace Archiver.Tests.Stores.Oss;

/// <summary>
/// The real archiver binary with nothing but the RRSA variables (as ACK's pod identity webhook
/// injects them) and <c>ALIBABA_CLOUD_STS_ENDPOINT</c> pointing at the STS stand-in, sweeping into
/// the real S3 server (radosgw) through a proxy that plays OSS's credential rules: every request
/// must be signed with the key STS handed out and carry its token as <c>x-amz-security-token</c>
/// (OSS errors 0002-00000003 and 0002-00000009). The stand-in hands out the radosgw test keys, so
/// radosgw itself checks the signature made with STS's AccessKeySecret. The store's endpoint is an
/// IP address, so requests are path-style; OSS's virtual-hosted addressing is covered in-process
/// (<see cref="RrsaOssStoreTests"/>).
/// </summary>
[Collection("s3")]
public sealed class RrsaEndToEndTests(S3Server server) : IAsyncLifetime
{
    private readonly TempDir _temp = new("rrsa-e2e");
    private readonly ConcurrentQueue<string> _refused = new();
    private FakeAlibabaSts _sts = null!;
    private S3FaultProxy _oss = null!;
    private string _bucket = "";

    private string Root => _temp.Sub("data");
    private string TokenFile => _temp["rrsa-tokens-token"];

    public async Task InitializeAsync()
    {
        _sts = new FakeAlibabaSts(TimeProvider.System, _ => (server.AccessKey, server.SecretKey));
        _oss = new S3FaultProxy(server.Endpoint) { Gate = OssCredentialRules };
        _bucket = await server.CreateBucketAsync("rrsa");
    }

    /// <summary>OSS's S3-compatible API with STS keys: the token in x-amz-security-token, the one STS
    /// issued with that key; never x-oss-security-token.</summary>
    private S3Rejection? OssCredentialRules(ProxiedRequest request)
    {
        string? Header(string name) => request.Headers?.GetValueOrDefault(name);
        var issued = _sts.Exchanges.LastOrDefault();
        string? refusal = null;
        if (Header("x-oss-security-token") is not null) refusal = "0002-00000009: S3-compatible requests carry the token in x-amz-security-token";
        else if (issued is null || !(Header("Authorization") ?? "").Contains($"Credential={issued.AccessKeyId}/", StringComparison.Ordinal)) refusal = "not signed with the key STS issued";
        else if (Header("x-amz-security-token") != issued.SecurityToken) refusal = "0002-00000003: a temporary key needs its security token";
        if (refusal is null) return null;
        _refused.Enqueue(refusal);
        return new S3Rejection(403, "InvalidAccessKeyId", refusal);
    }

    private Dictionary<string, string> Environment(string sts) => new()
    {
        ["ALIBABA_CLOUD_ROLE_ARN"] = FakeAlibabaSts.RoleArn,
        ["ALIBABA_CLOUD_OIDC_PROVIDER_ARN"] = FakeAlibabaSts.ProviderArn,
        ["ALIBABA_CLOUD_OIDC_TOKEN_FILE"] = TokenFile,
        ["ALIBABA_CLOUD_STS_ENDPOINT"] = sts,
        ["OSS_ACCESS_KEY_ID"] = "",
        ["OSS_ACCESS_KEY_SECRET"] = "",
        ["OSS_SESSION_TOKEN"] = "",
    };

    private Task<ProcessRunner.Result> SweepAsync(string sts, params string[] extra) =>
        ProcessRunner.RunAsync("dotnet", [Path.Combine(AppContext.BaseDirectory, "archiver.dll"), "sweep", "--root", Root,
            "--store", $"oss://{_bucket}/pods?endpoint={Uri.EscapeDataString(_oss.Endpoint)}&region={server.Region}&retries=1",
            "--state", _temp.Sub("state"), "--liveness", "none", "--node", "node-1", "--idle-for", "1h", .. extra],
            timeout: TimeSpan.FromMinutes(2), env: Environment(sts));

    private async Task<List<S3Object>> ObjectsAsync()
    {
        using var client = server.CreateClient();
        return (await client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = _bucket })).S3Objects ?? [];
    }

    [Fact]
    public async Task Sweep_OnlyRrsaVariables_OneExchangeAndEveryRequestSignedWithTheTemporaryKeys()
    {
        var tree = new PodTree(Root);
        tree.Pod("web-0", DateTimeOffset.UtcNow.AddDays(-2));
        tree.Pod("web-1", DateTimeOffset.UtcNow.AddDays(-2));
        await File.WriteAllTextAsync(TokenFile, OidcToken.Create(TimeProvider.System, TimeSpan.FromHours(1)));

        var r = await SweepAsync(_sts.Endpoint, "--log-level", "Information");

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.False(Directory.Exists(Path.Combine(Root, "web-0")));
        Assert.False(Directory.Exists(Path.Combine(Root, "web-1")));
        Assert.Equal(4, (await ObjectsAsync()).Count);
        var exchange = Assert.Single(_sts.Exchanges);
        Assert.Empty(_refused);
        Assert.True(_oss.Requests.Count >= 8, _oss.Log);
        Assert.Matches("^archiver[a-zA-Z0-9.@_-]{0,56}$", exchange.SessionName);
        Assert.Contains("Exchanged the OIDC token for role " + FakeAlibabaSts.RoleArn, r.Out + r.Error);
        foreach (var secret in new[] { exchange.OidcToken, exchange.SecurityToken, exchange.AccessKeySecret })
            Assert.DoesNotContain(secret, r.Out + r.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("expired", "refused the OIDC token exchange for role " + FakeAlibabaSts.RoleArn + ": 401 AuthenticationFail.OIDCToken.Expired")]
    [InlineData("sts-down", "to exchange the OIDC token for role " + FakeAlibabaSts.RoleArn)]
    [InlineData("no-token-file", "(ALIBABA_CLOUD_OIDC_TOKEN_FILE): it does not exist")]
    public async Task Sweep_NoTemporaryKeys_RefusedBeforeAnythingIsTouchedWithExitTwo(string failure, string says)
    {
        new PodTree(Root).Pod("web-0", DateTimeOffset.UtcNow.AddDays(-2));
        var token = OidcToken.Create(TimeProvider.System, failure == "expired" ? TimeSpan.FromMinutes(-5) : TimeSpan.FromHours(1));
        if (failure != "no-token-file") await File.WriteAllTextAsync(TokenFile, token);
        var sts = failure == "sts-down" ? $"http://127.0.0.1:{RrsaCredentialsTests.ClosedPort()}" : _sts.Endpoint;

        var r = await SweepAsync(sts);

        Assert.True(r.ExitCode == 2, r.ToString());
        Assert.Contains(says, r.Out + r.Error);
        Assert.Contains("no usable credentials: ", r.Error);
        if (failure == "sts-down") Assert.Contains($"cannot reach STS {sts}", r.Out + r.Error);
        if (failure == "no-token-file") Assert.Contains(TokenFile, r.Out + r.Error);
        Assert.True(Directory.Exists(Path.Combine(Root, "web-0")));
        Assert.Empty(await ObjectsAsync());
        Assert.Empty(_oss.Requests);
        Assert.DoesNotContain(token, r.Out + r.Error, StringComparison.Ordinal);
    }

    public async Task DisposeAsync()
    {
        _oss.Dispose();
        await _sts.DisposeAsync();
        _temp.Dispose();
    }
}
