using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace Archiver.Tests.Support.Identity;

/// <summary>
/// The EC2 instance metadata service of a node whose IAM role the pods may use, as EKS managed node
/// groups set it up (IMDSv2 required), with the rules of "Use the Instance Metadata Service to access
/// instance metadata" and "Retrieve security credentials from instance metadata" in the EC2 user guide
/// (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/configuring-instance-metadata-service.html,
/// https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/instance-metadata-security-credentials.html):
/// <list type="bullet">
/// <item>a session token comes from <c>PUT /latest/api/token</c> with
///   <c>X-aws-ec2-metadata-token-ttl-seconds</c> of 1 to 21600, else 400; a PUT carrying
///   <c>X-Forwarded-For</c> is refused (403);</item>
/// <item>with IMDSv2 required, every GET needs a valid, unexpired <c>X-aws-ec2-metadata-token</c>,
///   else 401;</item>
/// <item><c>/latest/meta-data/iam/security-credentials/</c> (the SDK asks without the slash) names the role;
///   <c>/latest/meta-data/iam/security-credentials/ROLE</c> answers JSON {Code: Success, LastUpdated,
///   Type: AWS-HMAC, AccessKeyId, SecretAccessKey, Token, Expiration}; anything else is 404.</item>
/// </list>
/// </summary>
public sealed class FakeImds : IAsyncDisposable
{
    private const string CredentialsPath = "/latest/meta-data/iam/security-credentials/";

    private readonly RecordingHttpServer _server;
    private readonly string _role;
    private readonly Func<int, TemporaryCredentials> _issue;
    private readonly TimeProvider _clock;
    private readonly ConcurrentDictionary<string, DateTimeOffset> _tokens = new();
    private int _exchanges;

    public FakeImds(string role, Func<int, TemporaryCredentials> issue, TimeProvider clock)
    {
        (_role, _issue, _clock) = (role, issue, clock);
        _server = new RecordingHttpServer(Answer);
    }

    /// <summary>The value for AWS_EC2_METADATA_SERVICE_ENDPOINT.</summary>
    public string Endpoint => $"http://127.0.0.1:{_server.Port}";

    public ConcurrentQueue<RecordedHttpRequest> Requests => _server.Requests;

    /// <summary>Credentials handed out (answers of the role's path).</summary>
    public int Exchanges => _exchanges;

    public bool IsValidToken(string? token) => token is not null && _tokens.TryGetValue(token, out var until) && _clock.GetUtcNow() < until;

    private Reply Answer(RecordedHttpRequest request)
    {
        if (request.Method == "PUT" && request.Path == "/latest/api/token")
        {
            if (request.Headers.ContainsKey("X-Forwarded-For")) return Text(403, "Forbidden");
            if (!int.TryParse(request.Headers.GetValueOrDefault("X-aws-ec2-metadata-token-ttl-seconds"), NumberStyles.None, CultureInfo.InvariantCulture, out var ttl) || ttl is < 1 or > 21600)
                return Text(400, "Bad Request");
            var token = Convert.ToBase64String(RandomNumberGenerator.GetBytes(42));
            _tokens[token] = _clock.GetUtcNow().AddSeconds(ttl);
            return Text(200, token, ("X-aws-ec2-metadata-token-ttl-seconds", ttl.ToString(CultureInfo.InvariantCulture)));
        }
        if (request.Method != "GET") return Text(405, "Method Not Allowed");
        if (!IsValidToken(request.Headers.GetValueOrDefault("X-aws-ec2-metadata-token"))) return Text(401, "Unauthorized");
        if (request.Path == CredentialsPath || request.Path == CredentialsPath.TrimEnd('/')) return Text(200, _role); // a category is listed with or without the slash
        if (request.Path != CredentialsPath + _role) return Text(404, "Not Found");

        var c = _issue(Interlocked.Increment(ref _exchanges));
        var json = new JsonObject
        {
            ["Code"] = "Success",
            ["LastUpdated"] = Iso(_clock.GetUtcNow()),
            ["Type"] = "AWS-HMAC",
            ["AccessKeyId"] = c.AccessKeyId,
            ["SecretAccessKey"] = c.SecretAccessKey,
            ["Token"] = c.SessionToken,
            ["Expiration"] = Iso(c.Expiration),
        };
        return Text(200, json.ToJsonString());
    }

    private static string Iso(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);

    private static Reply Text(int status, string body, params (string Name, string Value)[] headers)
    {
        var all = new Dictionary<string, string> { ["Content-Type"] = "text/plain" };
        foreach (var (name, value) in headers) all[name] = value;
        return new Reply(status, body, all);
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}
