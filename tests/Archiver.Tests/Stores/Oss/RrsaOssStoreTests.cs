using Archiver.Policies;
using Archiver.Stores;
using Archiver.Stores.S3;
using Archiver.Tests.Support;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace Archiver.Tests.Stores.Oss;

/// <summary>An <c>oss://</c> store whose pod has only RRSA: what reaches the OSS endpoint (recorded
/// on loopback, virtual-hosted as OSS wants it) is signed with STS's temporary key and carries
/// its token as <c>x-amz-security-token</c> — OSS's S3-compatible API refuses a temporary key
/// without it (OSS error 0002-00000003) and refuses <c>x-oss-security-token</c> (0002-00000009).</summary>
public sealed class RrsaOssStoreTests : IAsyncLifetime
{
    private readonly TempDir _temp = new("rrsa-store");
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private readonly RecordingHttpServer _oss = new(FakeS3.Answer);
    private FakeAlibabaSts _sts = null!;

    public Task InitializeAsync()
    {
        _sts = new FakeAlibabaSts(_clock);
        File.WriteAllText(_temp["token"], OidcToken.Create(_clock, TimeSpan.FromHours(1), "first"));
        return Task.CompletedTask;
    }

    private Dictionary<string, string> RrsaEnvironment() => new()
    {
        ["ALIBABA_CLOUD_ROLE_ARN"] = FakeAlibabaSts.RoleArn,
        ["ALIBABA_CLOUD_OIDC_PROVIDER_ARN"] = FakeAlibabaSts.ProviderArn,
        ["ALIBABA_CLOUD_OIDC_TOKEN_FILE"] = _temp["token"],
        ["ALIBABA_CLOUD_STS_ENDPOINT"] = _sts.Endpoint,
    };

    private IArchiveStore Store(Dictionary<string, string> env) =>
        new S3StoreProvider(S3Flavor.Oss, env.GetValueOrDefault, _clock, new LoopbackHttpClientFactory(_oss))
            .Create(new Uri("oss://archive-bucket/prod"), new Dictionary<string, string> { ["endpoint"] = $"http://localhost:{_oss.Port}", ["region"] = "cn-hangzhou" });

    private static Task PutAsync(IArchiveStore store, int i) => store.PutAsync($"n/p/d{i}.json", "{}"u8.ToArray(), CancellationToken.None);

    [Fact]
    public async Task Store_RrsaOnly_SignsWithTheTemporaryKeysAndRenewsOncePerLifetimeNotPerRequest()
    {
        await using var store = Store(RrsaEnvironment());
        for (var i = 0; i < 4; i++) await PutAsync(store, i);
        File.WriteAllText(_temp["token"], OidcToken.Create(_clock, TimeSpan.FromHours(1), "rotated"));
        _clock.Advance(TimeSpan.FromMinutes(41));
        for (var i = 4; i < 8; i++) await PutAsync(store, i);

        var exchanges = _sts.Exchanges.ToList();
        Assert.Equal(2, exchanges.Count);
        Assert.Equal("rotated", OidcToken.Claims(exchanges[1].OidcToken)!["jti"]!.ToString());
        var requests = _oss.Requests.ToList();
        Assert.Equal(8, requests.Count);
        for (var i = 0; i < 8; i++)
        {
            var keys = exchanges[i < 4 ? 0 : 1];
            Assert.Equal($"archive-bucket.localhost:{_oss.Port}", requests[i].Host);
            Assert.Contains($"Credential={keys.AccessKeyId}/", requests[i].Headers["Authorization"]);
            Assert.Contains("x-amz-security-token", requests[i].Headers["Authorization"]);
            Assert.Equal(keys.SecurityToken, requests[i].Headers["x-amz-security-token"]);
            Assert.False(requests[i].Headers.ContainsKey("x-oss-security-token"));
            Assert.DoesNotContain(keys.AccessKeySecret, string.Join('\n', requests[i].Headers.Values));
        }
    }

    [Fact]
    public async Task Store_ExpiredToken_EveryOperationFailsNamingStsAndNothingReachesOss()
    {
        File.WriteAllText(_temp["token"], OidcToken.Create(_clock, TimeSpan.FromMinutes(-1)));
        await using var store = Store(RrsaEnvironment());

        var e = await Assert.ThrowsAsync<StoreException>(() => PutAsync(store, 1));
        Assert.StartsWith($"writing archive-bucket/prod/n/p/d1.json: STS {_sts.Endpoint} refused the OIDC token exchange for role {FakeAlibabaSts.RoleArn}: 401 AuthenticationFail.OIDCToken.Expired", e.Message);
        await Assert.ThrowsAsync<StoreException>(() => store.StatAsync("n/p/d1.json", CancellationToken.None));
        Assert.Empty(_oss.Requests);
    }

    [Fact]
    public async Task Store_StaticKeysAndRrsa_TheStaticKeysWinAndStsIsNeverAsked()
    {
        var env = RrsaEnvironment();
        env["OSS_ACCESS_KEY_ID"] = "LTAIstatickeyid";
        env["OSS_ACCESS_KEY_SECRET"] = "static-secret";
        await using var store = Store(env);
        await PutAsync(store, 1);

        Assert.Empty(_sts.Requests);
        var request = Assert.Single(_oss.Requests);
        Assert.Contains("Credential=LTAIstatickeyid/", request.Headers["Authorization"]);
        Assert.False(request.Headers.ContainsKey("x-amz-security-token"));
    }

    [Fact]
    public void Create_RrsaHalfInjected_ConfigurationErrorNamesTheMissingVariable()
    {
        var env = RrsaEnvironment();
        env.Remove("ALIBABA_CLOUD_OIDC_TOKEN_FILE");
        var e = Assert.Throws<ConfigurationException>(() => Store(env));
        Assert.Contains("ALIBABA_CLOUD_OIDC_TOKEN_FILE not set", e.Message);
    }

    [Fact]
    public void Create_NoCredentialsAtAll_TheErrorMentionsRrsa()
    {
        var e = Assert.Throws<ConfigurationException>(() => Store([]));
        Assert.Contains("or RRSA (ALIBABA_CLOUD_ROLE_ARN, ALIBABA_CLOUD_OIDC_PROVIDER_ARN, ALIBABA_CLOUD_OIDC_TOKEN_FILE)", e.Message);
    }

    public async Task DisposeAsync()
    {
        await _sts.DisposeAsync();
        await _oss.DisposeAsync();
        _temp.Dispose();
    }
}
