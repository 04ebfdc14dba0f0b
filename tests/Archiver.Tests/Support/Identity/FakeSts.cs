using System.Collections.Concurrent;
using System.Globalization;
using System.Security;
using System.Text;
using System.Text.RegularExpressions;

namespace Archiver.Tests.Support.Identity;

/// <summary>
/// AWS STS AssumeRoleWithWebIdentity on loopback, as strict as the API reference
/// (https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRoleWithWebIdentity.html) and its
/// common errors (https://docs.aws.amazon.com/STS/latest/APIReference/CommonErrors.html). Query API:
/// form-encoded POST (or GET) to "/", no signature needed. It answers:
/// <list type="bullet">
/// <item>no Action: 400 MissingAction; another action, or a Version other than 2011-06-15: 400 InvalidAction;</item>
/// <item>RoleArn missing or not 20 to 2048 characters, RoleSessionName missing or not 2 to 64 of
///   [\w+=,.@-], WebIdentityToken missing or not 4 to 20000 characters, DurationSeconds outside 900 to
///   43200: 400 ValidationError ("1 validation error detected: ...");</item>
/// <item>a token that is not a JWT, not the one issued to the pod (a signature the cluster's OIDC
///   keys do not verify), or without the audience sts.amazonaws.com: 400 InvalidIdentityToken;</item>
/// <item>a token past its exp: 400 ExpiredTokenException;</item>
/// <item>another role than the one whose trust policy names this service account: 403 AccessDenied;</item>
/// <item>otherwise 200 with AssumeRoleWithWebIdentityResult/Credentials {AccessKeyId, SecretAccessKey,
///   SessionToken, Expiration}, the credentials from <c>issue</c>.</item>
/// </list>
/// </summary>
public sealed partial class FakeSts : IAsyncDisposable
{
    public const string Audience = "sts.amazonaws.com";
    private const string Ns = "https://sts.amazonaws.com/doc/2011-06-15/";

    private readonly RecordingHttpServer _server;
    private readonly string _token;
    private readonly string _roleArn;
    private readonly Func<int, TemporaryCredentials> _issue;
    private readonly TimeProvider _clock;
    private int _exchanges;

    /// <param name="issue">Called with the exchange's number (1, 2, ...) for the credentials to hand out.</param>
    public FakeSts(string token, string roleArn, Func<int, TemporaryCredentials> issue, TimeProvider clock)
    {
        (_token, _roleArn, _issue, _clock) = (token, roleArn, issue, clock);
        _server = new RecordingHttpServer(Answer);
    }

    public string Endpoint => $"http://127.0.0.1:{_server.Port}";

    public ConcurrentQueue<RecordedHttpRequest> Requests => _server.Requests;

    /// <summary>Successful AssumeRoleWithWebIdentity calls.</summary>
    public int Exchanges => _exchanges;

    private Reply Answer(RecordedHttpRequest request)
    {
        if (request.Path != "/") return Error(404, "Sender", "UnknownOperationException", "Unknown operation");
        var form = request.Method == "POST" ? Encoding.UTF8.GetString(request.Body) : request.Query;
        if (request.Method == "POST" && !(request.Headers.GetValueOrDefault("Content-Type") ?? "").StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase))
            return Error(400, "Sender", "InvalidParameterValue", "Content-Type must be application/x-www-form-urlencoded");
        var p = form.Split('&', StringSplitOptions.RemoveEmptyEntries).Select(kv => kv.Split('=', 2))
            .ToDictionary(kv => Uri.UnescapeDataString(kv[0].Replace('+', ' ')), kv => kv.Length > 1 ? Uri.UnescapeDataString(kv[1].Replace('+', ' ')) : "");
        if (p.GetValueOrDefault("Action") is not { } action) return Error(400, "Sender", "MissingAction", "Missing Action");
        if (action != "AssumeRoleWithWebIdentity" || p.GetValueOrDefault("Version") != "2011-06-15")
            return Error(400, "Sender", "InvalidAction", $"Could not find operation {action} for version {p.GetValueOrDefault("Version") ?? "NO_VERSION_SPECIFIED"}");

        var problems = new List<string>();
        var arn = Member(p, "RoleArn", "roleArn", 20, 2048, problems);
        var session = Member(p, "RoleSessionName", "roleSessionName", 2, 64, problems);
        if (session is not null && !SessionName().IsMatch(session))
            problems.Add($"Value '{session}' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*");
        var token = Member(p, "WebIdentityToken", "webIdentityToken", 4, 20000, problems);
        if (p.TryGetValue("DurationSeconds", out var d) && !(int.TryParse(d, CultureInfo.InvariantCulture, out var seconds) && seconds is >= 900 and <= 43200))
            problems.Add($"Value '{d}' at 'durationSeconds' failed to satisfy constraint: Member must have value between 900 and 43200");
        if (problems.Count > 0)
            return Error(400, "Sender", "ValidationError", $"{problems.Count} validation error{(problems.Count > 1 ? "s" : "")} detected: {string.Join("; ", problems)}");

        if (ServiceAccountToken.Claims(token!) is not { } claims || token != _token)
            return Error(400, "Sender", "InvalidIdentityToken", "The web identity token that was passed could not be validated by AWS. Get a new identity token from the identity provider and then retry the request.");
        if (!ServiceAccountToken.HasAudience(claims, Audience)) return Error(400, "Sender", "InvalidIdentityToken", "Incorrect token audience");
        var now = _clock.GetUtcNow();
        var exp = ServiceAccountToken.Expiry(claims);
        if (exp is null || exp <= now)
            return Error(400, "Sender", "ExpiredTokenException", $"Token expired: current date/time {now.ToUnixTimeSeconds()} must be before the expiration date/time {exp?.ToUnixTimeSeconds()}");
        if (arn != _roleArn) return Error(403, "Sender", "AccessDenied", "Not authorized to perform sts:AssumeRoleWithWebIdentity");

        var c = _issue(Interlocked.Increment(ref _exchanges));
        return Xml(200, $"""
            <AssumeRoleWithWebIdentityResponse xmlns="{Ns}">
              <AssumeRoleWithWebIdentityResult>
                <SubjectFromWebIdentityToken>system:serviceaccount:archiver:archiver</SubjectFromWebIdentityToken>
                <Audience>{Audience}</Audience>
                <AssumedRoleUser><Arn>{SecurityElement.Escape(arn)}/{session}</Arn><AssumedRoleId>AROAARCHIVERTEST:{session}</AssumedRoleId></AssumedRoleUser>
                <Credentials>
                  <SessionToken>{SecurityElement.Escape(c.SessionToken)}</SessionToken>
                  <SecretAccessKey>{SecurityElement.Escape(c.SecretAccessKey)}</SecretAccessKey>
                  <Expiration>{c.Expiration.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture)}</Expiration>
                  <AccessKeyId>{c.AccessKeyId}</AccessKeyId>
                </Credentials>
                <Provider>arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/ARCHIVERTEST</Provider>
              </AssumeRoleWithWebIdentityResult>
              <ResponseMetadata><RequestId>{Guid.NewGuid()}</RequestId></ResponseMetadata>
            </AssumeRoleWithWebIdentityResponse>
            """);
    }

    /// <summary>A required member and its length bounds, as STS words the violations.</summary>
    private static string? Member(Dictionary<string, string> p, string name, string member, int min, int max, List<string> problems)
    {
        if (!p.TryGetValue(name, out var value))
        {
            problems.Add($"Value null at '{member}' failed to satisfy constraint: Member must not be null");
            return null;
        }
        if (value.Length < min || value.Length > max)
            problems.Add($"Value at '{member}' failed to satisfy constraint: Member must have length between {min} and {max}");
        return value;
    }

    private static Reply Error(int status, string type, string code, string message) => Xml(status, $"""
        <ErrorResponse xmlns="{Ns}">
          <Error><Type>{type}</Type><Code>{code}</Code><Message>{SecurityElement.Escape(message)}</Message></Error>
          <RequestId>{Guid.NewGuid()}</RequestId>
        </ErrorResponse>
        """);

    private static Reply Xml(int status, string body) => new(status, body, new Dictionary<string, string> { ["Content-Type"] = "text/xml" });

    [GeneratedRegex(@"^[\w+=,.@-]*$")]
    private static partial Regex SessionName();

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}
