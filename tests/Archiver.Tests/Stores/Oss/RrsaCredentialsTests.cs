using System.Net;
using System.Net.Sockets;
using Archiver.Stores;
using Archiver.Stores.Oss;
using Archiver.Tests.Support;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace Archiver.Tests.Stores.Oss;

/// <summary>The RRSA provider against the loopback STS stand-in: the exchange, renewal with a
/// rotated token, and every way it fails closed. One scene clock, starting now, drives the
/// provider, the stand-in and the tokens.</summary>
public sealed class RrsaCredentialsTests : IAsyncLifetime
{
    private readonly TempDir _temp = new("rrsa");
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private FakeAlibabaSts _sts = null!;

    private string TokenFile => _temp["token"];

    public Task InitializeAsync()
    {
        _sts = new FakeAlibabaSts(_clock);
        return Task.CompletedTask;
    }

    private RrsaCredentials Provider(string? sts = null, string? tokenFile = null) =>
        new(new RrsaSettings(FakeAlibabaSts.RoleArn, FakeAlibabaSts.ProviderArn, tokenFile ?? TokenFile, new Uri(sts ?? _sts.Endpoint), "archiver-node-1"), _clock);

    private void WriteToken(TimeSpan validFor, string nonce = "n1") => File.WriteAllText(TokenFile, OidcToken.Create(_clock, validFor, nonce) + "\n");

    [Fact]
    public async Task GetCredentials_FirstUse_AnonymousDocumentedCallAndTheTemporaryKeys()
    {
        WriteToken(TimeSpan.FromHours(1));
        var keys = await Provider().GetCredentialsAsync();

        var exchange = Assert.Single(_sts.Exchanges);
        Assert.Empty(_sts.Refusals);
        Assert.Equal((exchange.AccessKeyId, exchange.AccessKeySecret, exchange.SecurityToken), (keys.AccessKey, keys.SecretKey, keys.Token));
        Assert.Equal(File.ReadAllText(TokenFile).Trim(), exchange.OidcToken);
        Assert.Equal("archiver-node-1", exchange.SessionName);
        var request = Assert.Single(_sts.Requests);
        Assert.Equal("POST", request.Method);
        Assert.DoesNotContain(exchange.OidcToken, request.Target);
        Assert.DoesNotContain("Signature", request.Target + System.Text.Encoding.UTF8.GetString(request.Body));
        Assert.DoesNotContain("AccessKeyId", request.Target + System.Text.Encoding.UTF8.GetString(request.Body));
    }

    [Fact]
    public async Task GetCredentials_ManyRequestsThenTwoThirdsOfTheLifetime_OneExchangeThenARenewalWithTheRotatedToken()
    {
        WriteToken(TimeSpan.FromHours(1), "first");
        var provider = Provider();
        for (var i = 0; i < 50; i++) await provider.GetCredentialsAsync();
        _clock.Advance(TimeSpan.FromMinutes(39));
        var before = await provider.GetCredentialsAsync();
        Assert.Single(_sts.Exchanges);

        WriteToken(TimeSpan.FromHours(1), "rotated");
        _clock.Advance(TimeSpan.FromMinutes(2));
        var after = await provider.GetCredentialsAsync();
        for (var i = 0; i < 50; i++) Assert.Equal(after.AccessKey, (await provider.GetCredentialsAsync()).AccessKey);

        Assert.Equal(2, _sts.Exchanges.Count);
        var renewal = _sts.Exchanges.Last();
        Assert.Equal("rotated", OidcToken.Claims(renewal.OidcToken)!["jti"]!.ToString());
        Assert.Equal((renewal.AccessKeyId, renewal.SecurityToken), (after.AccessKey, after.Token));
        Assert.NotEqual(before.AccessKey, after.AccessKey);
    }

    [Fact]
    public async Task GetCredentials_RenewalRefusedWhileKeysStillValid_KeepsThemAndTriesAgainLater()
    {
        WriteToken(TimeSpan.FromHours(1));
        var provider = Provider();
        var first = await provider.GetCredentialsAsync();
        _clock.Advance(TimeSpan.FromMinutes(41));
        WriteToken(TimeSpan.FromMinutes(-1), "stale");

        Assert.Equal(first.AccessKey, (await provider.GetCredentialsAsync()).AccessKey);
        _clock.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(first.AccessKey, (await provider.GetCredentialsAsync()).AccessKey);
        Assert.Equal(["AuthenticationFail.OIDCToken.Expired"], _sts.Refusals);

        WriteToken(TimeSpan.FromHours(1), "fixed");
        _clock.Advance(TimeSpan.FromSeconds(25));
        var renewed = await provider.GetCredentialsAsync();
        Assert.Equal(2, _sts.Exchanges.Count);
        Assert.Equal(_sts.Exchanges.Last().AccessKeyId, renewed.AccessKey);
    }

    [Fact]
    public async Task GetCredentials_RenewalRefusedAfterExpiry_FailsClosed()
    {
        WriteToken(TimeSpan.FromHours(2));
        var provider = Provider();
        await provider.GetCredentialsAsync();
        _clock.Advance(TimeSpan.FromMinutes(41));
        WriteToken(TimeSpan.FromMinutes(-1), "stale");
        await provider.GetCredentialsAsync();
        _clock.Advance(TimeSpan.FromMinutes(19));

        var e = await Assert.ThrowsAsync<StoreException>(provider.GetCredentialsAsync);
        Assert.Contains("AuthenticationFail.OIDCToken.Expired", e.Message);
    }

    [Fact]
    public async Task GetCredentials_ExpiredToken_FailsNamingStsTheRoleAndTheCodeNeverTheToken()
    {
        WriteToken(TimeSpan.FromMinutes(-5));
        var e = await Assert.ThrowsAsync<StoreException>(Provider().GetCredentialsAsync);

        Assert.Equal($"STS {_sts.Endpoint} refused the OIDC token exchange for role {FakeAlibabaSts.RoleArn}: 401 AuthenticationFail.OIDCToken.Expired: This JsonWebToken is expired.; " +
            "the token in ALIBABA_CLOUD_OIDC_TOKEN_FILE is not being renewed: check the pod's RRSA token volume (restart the pod)", e.Message);
        Assert.DoesNotContain(File.ReadAllText(TokenFile).Trim(), e.ToString());
        Assert.Empty(_sts.Exchanges);
    }

    [Fact]
    public async Task GetCredentials_RoleNotTrusted_SaysToCheckTheRoleAndProvider()
    {
        WriteToken(TimeSpan.FromHours(1));
        var provider = new RrsaCredentials(new RrsaSettings("acs:ram::1135115445851234:role/other", FakeAlibabaSts.ProviderArn, TokenFile, new Uri(_sts.Endpoint), "archiver"), _clock);
        var e = await Assert.ThrowsAsync<StoreException>(provider.GetCredentialsAsync);
        Assert.Contains("role acs:ram::1135115445851234:role/other: 401 AuthenticationFail.NoPermission", e.Message);
        Assert.Contains("trusts this cluster's OIDC provider", e.Message);
    }

    [Fact]
    public async Task GetCredentials_StsDown_FailsNamingTheEndpointAndTheRole()
    {
        WriteToken(TimeSpan.FromHours(1));
        var down = $"http://127.0.0.1:{ClosedPort()}";
        var e = await Assert.ThrowsAsync<StoreException>(Provider(down).GetCredentialsAsync);
        Assert.StartsWith($"cannot reach STS {down} to exchange the OIDC token for role {FakeAlibabaSts.RoleArn} (", e.Message);
        Assert.EndsWith("check ALIBABA_CLOUD_STS_ENDPOINT and the network to STS", e.Message);
    }

    [Theory]
    [InlineData("missing", "it does not exist")]
    [InlineData("directory", "permission denied")]
    [InlineData("empty", "is empty")]
    public async Task GetCredentials_TokenFileUnreadable_NamesTheVariableAndTheFile(string kind, string says)
    {
        var path = _temp[kind];
        if (kind == "directory") Directory.CreateDirectory(path);
        if (kind == "empty") File.WriteAllText(path, "\n");
        var e = await Assert.ThrowsAsync<StoreException>(Provider(tokenFile: path).GetCredentialsAsync);
        Assert.Contains($"OIDC token file {path} (ALIBABA_CLOUD_OIDC_TOKEN_FILE)", e.Message);
        Assert.Contains(says, e.Message);
        Assert.Empty(_sts.Requests);
    }

    [Fact]
    public void RenewalTime_TwoThirdsOfTheLifetimeAndAtLeastFiveMinutesBeforeExpiry()
    {
        var t = _clock.GetUtcNow();
        Assert.Equal(t.AddMinutes(40), RrsaCredentials.RenewalTime(t, t.AddHours(1)));
        Assert.Equal(t.AddMinutes(10), RrsaCredentials.RenewalTime(t, t.AddMinutes(15)));
        Assert.Equal(t.AddHours(8), RrsaCredentials.RenewalTime(t, t.AddHours(12)));
    }

    internal static int ClosedPort()
    {
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        var port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }

    public async Task DisposeAsync()
    {
        await _sts.DisposeAsync();
        _temp.Dispose();
    }
}
