using Archiver.Stores;
using Archiver.Stores.Oss;
using Xunit;

namespace Archiver.Tests.Stores.Oss;

/// <summary>Which STS endpoint and session name RRSA uses, and what a half-injected environment says.</summary>
public sealed class RrsaSettingsTests
{
    [Theory]
    [InlineData(null, false, "cn-hangzhou", "https://sts.aliyuncs.com/")]
    [InlineData(null, true, "cn-hangzhou", "https://sts-vpc.cn-hangzhou.aliyuncs.com/")]
    [InlineData(null, true, null, "https://sts.aliyuncs.com/")]
    [InlineData("sts-vpc.cn-beijing.aliyuncs.com", false, "cn-hangzhou", "https://sts-vpc.cn-beijing.aliyuncs.com/")]
    [InlineData("sts.cn-shanghai.aliyuncs.com", true, "cn-hangzhou", "https://sts.cn-shanghai.aliyuncs.com/")]
    [InlineData("http://127.0.0.1:18080", true, "cn-hangzhou", "http://127.0.0.1:18080/")]
    [InlineData("https://sts.private.example:8443/", false, null, "https://sts.private.example:8443/")]
    public void StsEndpointFor_DefaultInternalAndOverride(string? configured, bool isInternal, string? region, string expected) =>
        Assert.Equal(expected, RrsaSettings.StsEndpointFor(configured, isInternal, region).AbsoluteUri);

    [Theory]
    [InlineData("ftp://sts.aliyuncs.com")]
    [InlineData("https://sts.aliyuncs.com/some/path")]
    [InlineData("https://user:pw@sts.aliyuncs.com")]
    public void StsEndpointFor_NotAHostOrHttpUrl_SaysWhatItMustBe(string configured)
    {
        var e = Assert.Throws<StoreException>(() => RrsaSettings.StsEndpointFor(configured, false, null));
        Assert.Contains("ALIBABA_CLOUD_STS_ENDPOINT", e.Message);
        Assert.Contains("host name", e.Message);
    }

    [Fact]
    public void FromEnvironment_NoRrsaVariables_IsNull() =>
        Assert.Null(RrsaSettings.FromEnvironment(_ => null, false, "cn-hangzhou"));

    [Fact]
    public void FromEnvironment_OnlyRoleArn_NamesTheMissingVariables()
    {
        var env = new Dictionary<string, string> { ["ALIBABA_CLOUD_ROLE_ARN"] = "acs:ram::1:role/r" };
        var e = Assert.Throws<StoreException>(() => RrsaSettings.FromEnvironment(env.GetValueOrDefault, false, null));
        Assert.Contains("ALIBABA_CLOUD_OIDC_PROVIDER_ARN and ALIBABA_CLOUD_OIDC_TOKEN_FILE not set", e.Message);
        Assert.Contains("ack-pod-identity-webhook", e.Message);
    }

    [Fact]
    public void FromEnvironment_AllThree_UsesThemAndAPodNamedSessionName()
    {
        var env = new Dictionary<string, string>
        {
            ["ALIBABA_CLOUD_ROLE_ARN"] = "acs:ram::1:role/r",
            ["ALIBABA_CLOUD_OIDC_PROVIDER_ARN"] = "acs:ram::1:oidc-provider/p",
            ["ALIBABA_CLOUD_OIDC_TOKEN_FILE"] = "/var/run/secrets/ack.alibabacloud.com/rrsa-tokens/token",
            ["HOSTNAME"] = "archiver-x7k2p",
        };
        var s = RrsaSettings.FromEnvironment(env.GetValueOrDefault, true, "cn-shanghai")!;
        Assert.Equal(("acs:ram::1:role/r", "acs:ram::1:oidc-provider/p", "/var/run/secrets/ack.alibabacloud.com/rrsa-tokens/token"), (s.RoleArn, s.OidcProviderArn, s.TokenFile));
        Assert.Equal("https://sts-vpc.cn-shanghai.aliyuncs.com/", s.StsEndpoint.AbsoluteUri);
        Assert.Equal("archiver-archiver-x7k2p", s.SessionName);
    }

    [Theory]
    [InlineData(null, "archiver")]
    [InlineData("node 1/ä:x", "archiver-node-1---x")]
    public void DefaultSessionName_FitsStsRules(string? host, string expected)
    {
        Assert.Equal(expected, RrsaSettings.DefaultSessionName(host));
        Assert.Matches("^[a-zA-Z0-9.@_-]{2,64}$", RrsaSettings.DefaultSessionName(new string('h', 200)));
    }
}
