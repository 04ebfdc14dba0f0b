using System.Net;
using System.Net.Sockets;
using Archiver.Tests.Support;
using Archiver.Tests.Support.Identity;

namespace Archiver.Tests.Stores.S3;

/// <summary>
/// A pod whose IRSA or Pod Identity is broken: the real binary names what is missing (the variable,
/// the token file, the endpoint and the service's error code), never prints the token, and deletes
/// nothing. Set-up mistakes are configuration errors (exit 2, before anything is touched); failures
/// when credentials are fetched fail every directory (exit 1).
/// </summary>
public sealed class AwsWorkloadIdentityFailureTests : IDisposable
{
    private const string Role = "arn:aws:iam::123456789012:role/archiver-node";
    private static readonly TimeProvider Clock = TimeProvider.System;

    private readonly IdentityScene _scene = new();

    public static TheoryData<string, int, string> Cases => new()
    {
        { "role missing", 2, "AWS_WEB_IDENTITY_TOKEN_FILE is set but AWS_ROLE_ARN is not" },
        { "token file missing", 2, "(AWS_WEB_IDENTITY_TOKEN_FILE) does not exist" },
        { "sts down", 2, "AssumeRoleWithWebIdentity at http://127.0.0.1:" },
        { "token not trusted", 2, "InvalidIdentityToken" },
        { "token expired", 2, "ExpiredTokenException" },
        { "wrong role", 2, "AccessDenied" },
        { "pod token file missing", 2, "(AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE) does not exist" },
        { "pod token refused", 2, "gave no credentials (Unable to retrieve credentials. Message = \"Response status code does not indicate success: 400" },
        { "pod agent down", 2, "EKS Pod Identity: the credentials endpoint http://127.0.0.1:" },
        { "pod uri not allowed", 2, "AWS_CONTAINER_CREDENTIALS_FULL_URI 'http://192.0.2.10/v1/credentials' is plain http" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Sweep_WithBrokenIdentity_NamesWhatIsMissingAndDeletesNothing(string broken, int exitCode, string message)
    {
        var now = Clock.GetUtcNow();
        var webToken = ServiceAccountToken.Create(FakeSts.Audience, now, TimeSpan.FromHours(1));
        var podToken = ServiceAccountToken.Create(FakePodIdentityAgent.Audience, now, TimeSpan.FromHours(1));
        var expired = ServiceAccountToken.Create(FakeSts.Audience, now - TimeSpan.FromHours(2), TimeSpan.FromHours(1));
        var fileToken = broken == "token expired" ? expired : webToken;
        TemporaryCredentials Never(int n) => throw new InvalidOperationException("no credentials may be issued here");
        await using var sts = new FakeSts(broken == "token not trusted" ? ServiceAccountToken.Create(FakeSts.Audience, now, TimeSpan.FromHours(1)) : fileToken,
            Role, Never, Clock);
        await using var agent = new FakePodIdentityAgent(ServiceAccountToken.Create(FakePodIdentityAgent.Audience, now, TimeSpan.FromHours(1)), Never, Clock);
        var tokenFile = _scene.WriteFile("token", fileToken);
        var podTokenFile = _scene.WriteFile("pod-token", podToken);
        var closed = ClosedPort();
        var irsa = new Dictionary<string, string>
        {
            ["AWS_ROLE_ARN"] = broken == "wrong role" ? "arn:aws:iam::123456789012:role/someone-else" : Role,
            ["AWS_WEB_IDENTITY_TOKEN_FILE"] = broken == "token file missing" ? _scene.Temp["no-such-token"] : tokenFile,
            ["AWS_ENDPOINT_URL_STS"] = broken == "sts down" ? $"http://127.0.0.1:{closed}" : sts.Endpoint,
        };
        if (broken == "role missing") irsa.Remove("AWS_ROLE_ARN");
        var pod = new Dictionary<string, string>
        {
            ["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = broken switch
            {
                "pod agent down" => $"http://127.0.0.1:{closed}/v1/credentials",
                "pod uri not allowed" => "http://192.0.2.10/v1/credentials",
                _ => agent.FullUri,
            },
            ["AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"] = broken == "pod token file missing" ? _scene.Temp["no-such-pod-token"] : podTokenFile,
        };

        // retries=1: the S3 client retries a failed credential fetch like any request (standard mode,
        // backoff with jitter), so the default 5 spent about 15 s per directory here; one retry still
        // shows that the message survives the SDK's retry path.
        var sweep = await _scene.SweepAsync("s3://no-bucket-needed/p?endpoint=http%3A%2F%2F127.0.0.1%3A9&pathStyle=true&region=us-east-1&retries=1",
            broken.StartsWith("pod", StringComparison.Ordinal) ? pod : irsa);

        // Refused before anything is touched: every broken identity is a configuration error (exit 2).
        Assert.True(sweep.ExitCode == exitCode, sweep.ToString());
        Assert.True((sweep.Out + sweep.Error).Contains(message, StringComparison.Ordinal), $"expected '{message}' in:\n{sweep}");
        Assert.Contains("Nothing was changed.", sweep.Error);
        Assert.Equal(IdentityScene.Pods, _scene.Remaining);
        foreach (var token in new[] { webToken, podToken, expired })
            Assert.DoesNotContain(token.Split('.')[2], sweep.Out + sweep.Error, StringComparison.Ordinal);
        Assert.Equal(0, sts.Exchanges + agent.Exchanges);
    }

    /// <summary>A loopback port nothing listens on (bound, then released).</summary>
    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public void Dispose() => _scene.Dispose();
}
