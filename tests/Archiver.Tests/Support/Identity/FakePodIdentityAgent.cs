using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json.Nodes;

namespace Archiver.Tests.Support.Identity;

/// <summary>
/// The EKS Pod Identity agent's credentials endpoint on loopback, with the agent's checks
/// (aws/eks-pod-identity-agent: pkg/handlers/eks_credential_handler.go, internal/validation/request.go,
/// pkg/errors/errors.go) and EKS Auth's answer for a token it does not accept
/// (https://docs.aws.amazon.com/eks/latest/APIReference/API_auth_AssumeRoleForPodIdentity.html):
/// <list type="bullet">
/// <item>only /v1/credentials is served, else 404;</item>
/// <item>the Host must be the agent's own address (the agent accepts 169.254.170.23 and [fd00:ec2::23]
///   only; here, the loopback address it listens on), else 403 "Access Denied. Called agent through
///   invalid address";</item>
/// <item>the Authorization header carries the service account token: empty is 400 "Service account token
///   cannot be empty", not a JWT is 400 "cannot be parsed", a JWT past its exp is 400 "failed basic
///   claim validations";</item>
/// <item>a token other than the pod's projected one, or without the audience pods.eks.amazonaws.com,
///   is refused by EKS Auth: 400 InvalidTokenException;</item>
/// <item>otherwise 200 JSON {AccessKeyId, SecretAccessKey, Token, AccountId, Expiration (RFC 3339)}.</item>
/// </list>
/// </summary>
public sealed class FakePodIdentityAgent : IAsyncDisposable
{
    public const string Audience = "pods.eks.amazonaws.com";

    private readonly RecordingHttpServer _server;
    private readonly string _token;
    private readonly Func<int, TemporaryCredentials> _issue;
    private readonly TimeProvider _clock;
    private int _exchanges;

    public FakePodIdentityAgent(string token, Func<int, TemporaryCredentials> issue, TimeProvider clock)
    {
        (_token, _issue, _clock) = (token, issue, clock);
        _server = new RecordingHttpServer(Answer);
    }

    /// <summary>The value for AWS_CONTAINER_CREDENTIALS_FULL_URI.</summary>
    public string FullUri => $"http://127.0.0.1:{_server.Port}/v1/credentials";

    public ConcurrentQueue<RecordedHttpRequest> Requests => _server.Requests;

    public int Exchanges => _exchanges;

    private Reply Answer(RecordedHttpRequest request)
    {
        if (request.Path != "/v1/credentials") return Text(404, "404 page not found");
        if (request.Host != $"127.0.0.1:{_server.Port}")
            return Text(403, $"Access Denied. Called agent through invalid address, please use either [127.0.0.1:{_server.Port}] address not {request.Host}");
        var token = request.Headers.GetValueOrDefault("Authorization") ?? "";
        if (token.Length == 0) return Text(400, "Service account token cannot be empty");
        if (ServiceAccountToken.Claims(token) is not { } claims) return Text(400, "Service account token cannot be parsed: token is malformed");
        if (ServiceAccountToken.Expiry(claims) is { } exp && exp <= _clock.GetUtcNow())
            return Text(400, "Service account token failed basic claim validations: token has invalid claims: token is expired");
        if (token != _token || !ServiceAccountToken.HasAudience(claims, Audience))
            return Text(400, $"[{Guid.NewGuid()}]: (InvalidTokenException): The service account token is not valid for this cluster, fault: client");

        var c = _issue(Interlocked.Increment(ref _exchanges));
        var json = new JsonObject
        {
            ["AccessKeyId"] = c.AccessKeyId,
            ["SecretAccessKey"] = c.SecretAccessKey,
            ["Token"] = c.SessionToken,
            ["AccountId"] = "123456789012",
            ["Expiration"] = c.Expiration.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffffffZ", CultureInfo.InvariantCulture),
        };
        return new Reply(200, json.ToJsonString(), new Dictionary<string, string> { ["Content-Type"] = "application/json" });
    }

    private static Reply Text(int status, string text) =>
        new(status, text + "\n", new Dictionary<string, string> { ["Content-Type"] = "text/plain; charset=utf-8", ["X-Content-Type-Options"] = "nosniff" });

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}
