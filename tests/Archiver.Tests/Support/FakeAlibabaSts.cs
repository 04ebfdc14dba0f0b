using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Archiver.Tests.Support;

/// <summary>
/// Alibaba Cloud STS's <c>AssumeRoleWithOIDC</c> on 127.0.0.1, for one registered RAM role and OIDC
/// provider, as strict as the documented service. Rules, checked in this order, and their sources:
/// <list type="number">
/// <item>Parameters come from the query and, for POST, an <c>application/x-www-form-urlencoded</c>
/// body (RPC style). [Common parameters: help.aliyun.com/document_detail/28761]</item>
/// <item>The call is anonymous: <c>AccessKeyId</c> → 404 <c>InvalidAccessKeyId.NotFound</c>, and
/// <c>Signature</c>/<c>SignatureMethod</c>/<c>SignatureVersion</c>/<c>SignatureNonce</c> → 400
/// <c>IncompleteSignature</c>. [AssumeRoleWithOIDC page: "不需要提供公共请求参数中的Signature、
/// SignatureMethod、SignatureVersion、AccessKeyId"; codes from the STS/OSS error FAQ, doc-detail/42775]</item>
/// <item><c>Action</c> must be <c>AssumeRoleWithOIDC</c> (404 <c>InvalidAction.NotFound</c>) and
/// <c>Version</c> <c>2015-04-01</c> (400 <c>InvalidVersion</c>); <c>Timestamp</c>, when sent, ISO 8601
/// UTC <c>yyyy-MM-ddTHH:mm:ssZ</c> (400 <c>InvalidTimeStamp.Format</c>). [common parameters and
/// common error codes]</item>
/// <item><c>RoleArn</c>, <c>OIDCProviderArn</c>, <c>RoleSessionName</c> are required: 400
/// <c>Missing{Name}</c>, "{Name} is mandatory for this action." (the pattern of MissingSecurityToken on
/// doc-detail/42775). An empty <c>OIDCToken</c> → 401 <c>AuthenticationFail.OIDCToken.Invalid</c> "The
/// OIDCToken can not empty."; one that is not three '.'-separated parts or whose payload is not JSON →
/// the same code with the page's messages. [STS error codes: help.aliyun.com/zh/ram/developer-reference/api-sts-2015-04-01-errorcodes;
/// length 4 to 20,000: AssumeRoleWithOIDC page]</item>
/// <item><c>RoleSessionName</c>: 2 to 64 of <c>[a-zA-Z0-9.@_-]</c>, else 400
/// <c>InvalidParameter.RoleSessionName</c> "The parameter RoleSessionName is wrongly formed."
/// [AssumeRoleWithOIDC page; message from doc-detail/42775]</item>
/// <item><c>DurationSeconds</c>, when sent: 900 to the role's MaxSessionDuration (3600 here), else 400
/// <c>InvalidParameter.DurationSeconds</c>. [AssumeRoleWithOIDC page; doc-detail/42775]</item>
/// <item><c>OIDCProviderArn</c> must be the registered provider: 401
/// <c>AuthenticationFail.NoPermission</c> "No such OIDC Provider registered."; the token's <c>aud</c>
/// must hold <c>sts.aliyuncs.com</c>: 401 <c>AuthenticationFail.OIDCToken.AudienceNotMatch</c>; its
/// <c>exp</c> must be in the future: 401 <c>AuthenticationFail.OIDCToken.Expired</c> "This JsonWebToken
/// is expired."; the <c>RoleArn</c> must be the role that trusts the provider: 401
/// <c>AuthenticationFail.NoPermission</c> "There is no permission". [STS error codes page]</item>
/// <item>Answers are JSON when <c>Format=JSON</c> and XML otherwise (XML is the default format); errors
/// carry <c>RequestId</c>, <c>HostId</c>, <c>Code</c>, <c>Message</c>, <c>Recommend</c>. Success carries
/// <c>RequestId</c>, <c>OIDCTokenInfo</c>, <c>AssumedRoleUser</c> and <c>Credentials</c>
/// (<c>AccessKeyId</c>, <c>AccessKeySecret</c>, <c>SecurityToken</c>, <c>Expiration</c> as
/// <c>yyyy-MM-ddTHH:mm:ssZ</c>, DurationSeconds — default 3600 — after now). [AssumeRoleWithOIDC page]</item>
/// </list>
/// Not imitated: the token's signature against the issuer's keys, policies, rate limits.
/// </summary>
public sealed partial class FakeAlibabaSts : IAsyncDisposable
{
    public const string RoleArn = "acs:ram::1135115445851234:role/archiver-rrsa";
    public const string ProviderArn = "acs:ram::1135115445851234:oidc-provider/ack-rrsa-c0ffee0123456789";
    public const int MaxSessionDuration = 3600;

    private readonly RecordingHttpServer _server;
    private readonly TimeProvider _clock;
    private readonly Func<int, (string Id, string Secret)> _keys;

    /// <param name="keys">The key pair handed out by the nth successful exchange (from 1); random ones by default.</param>
    public FakeAlibabaSts(TimeProvider clock, Func<int, (string Id, string Secret)>? keys = null)
    {
        _clock = clock;
        _keys = keys ?? (_ => ("STS.NT" + Random(20), Random(30)));
        _server = new RecordingHttpServer(Answer);
    }

    public string Endpoint => $"http://127.0.0.1:{_server.Port}";

    /// <summary>Successful exchanges, in order.</summary>
    public ConcurrentQueue<StsExchange> Exchanges { get; } = new();

    /// <summary>Error codes answered, in order.</summary>
    public ConcurrentQueue<string> Refusals { get; } = new();

    public IEnumerable<RecordedHttpRequest> Requests => _server.Requests;

    private Reply Answer(RecordedHttpRequest request)
    {
        var p = Parameters(request);
        var json = p.GetValueOrDefault("Format")?.Equals("JSON", StringComparison.OrdinalIgnoreCase) == true;
        if (Refuse(p) is { } error)
        {
            Refusals.Enqueue(error.Code);
            return Render(error.Status, json, new JsonObject
            {
                ["RequestId"] = RequestId(), ["HostId"] = "sts.aliyuncs.com", ["Code"] = error.Code, ["Message"] = error.Message,
                ["Recommend"] = $"https://api.aliyun.com/troubleshoot?q={error.Code}&product=Sts",
            }, "Error");
        }
        var now = _clock.GetUtcNow();
        var duration = p.TryGetValue("DurationSeconds", out var d) ? int.Parse(d, CultureInfo.InvariantCulture) : 3600;
        var (id, secret) = _keys(Exchanges.Count + 1);
        var exchange = new StsExchange(p["OIDCToken"], p["RoleSessionName"], id, secret, "CAIS" + Random(60), now + TimeSpan.FromSeconds(duration));
        Exchanges.Enqueue(exchange);
        var claims = OidcToken.Claims(exchange.OidcToken)!;
        return Render(200, json, new JsonObject
        {
            ["RequestId"] = RequestId(),
            ["OIDCTokenInfo"] = new JsonObject
            {
                ["Subject"] = claims["sub"]?.ToString(), ["Issuer"] = claims["iss"]?.ToString(), ["ClientIds"] = OidcToken.Audience,
                ["ExpirationTime"] = Iso(DateTimeOffset.FromUnixTimeSeconds((long)claims["exp"]!)), ["IssuanceTime"] = Iso(now), ["VerificationInfo"] = "Success to verify",
            },
            ["AssumedRoleUser"] = new JsonObject { ["AssumedRoleId"] = "33157794895460****:" + exchange.SessionName, ["Arn"] = RoleArn + "/" + exchange.SessionName },
            ["Credentials"] = new JsonObject
            {
                ["SecurityToken"] = exchange.SecurityToken, ["Expiration"] = Iso(exchange.Expiration), ["AccessKeySecret"] = secret, ["AccessKeyId"] = id,
            },
        }, "AssumeRoleWithOIDCResponse");
    }

    private (int Status, string Code, string Message)? Refuse(Dictionary<string, string> p)
    {
        if (p.ContainsKey("AccessKeyId")) return (404, "InvalidAccessKeyId.NotFound", "Specified access key is not found.");
        if (new[] { "Signature", "SignatureMethod", "SignatureVersion", "SignatureNonce" }.FirstOrDefault(p.ContainsKey) is { } s)
            return (400, "IncompleteSignature", $"The request signature does not conform to Aliyun standards ({s} without AccessKeyId).");
        if (p.GetValueOrDefault("Action") != "AssumeRoleWithOIDC") return (404, "InvalidAction.NotFound", "Specified api is not found, please check your url and method.");
        if (p.GetValueOrDefault("Version") != "2015-04-01") return (400, "InvalidVersion", "Specified parameter Version is not valid.");
        if (p.TryGetValue("Timestamp", out var ts) && !DateTimeOffset.TryParseExact(ts, "yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out _))
            return (400, "InvalidTimeStamp.Format", "Specified time stamp or date value is not well formatted.");
        foreach (var name in new[] { "RoleArn", "OIDCProviderArn", "RoleSessionName" })
            if (string.IsNullOrEmpty(p.GetValueOrDefault(name))) return (400, "Missing" + name, $"{name} is mandatory for this action.");
        var token = p.GetValueOrDefault("OIDCToken") ?? "";
        if (token.Length == 0) return (401, "AuthenticationFail.OIDCToken.Invalid", "The OIDCToken can not empty.");
        if (token.Length is < 4 or > 20_000 || token.Split('.').Length != 3)
            return (401, "AuthenticationFail.OIDCToken.Invalid", "The number of Jwt field should be divided into 3 parts with '.' .");
        var claims = OidcToken.Claims(token);
        if (claims is null || claims["exp"] is null) return (401, "AuthenticationFail.OIDCToken.Invalid", "The Jwt content is invalid that cannot be recognized.");
        if (!SessionName().IsMatch(p["RoleSessionName"])) return (400, "InvalidParameter.RoleSessionName", "The parameter RoleSessionName is wrongly formed.");
        if (p.TryGetValue("DurationSeconds", out var d) && (!int.TryParse(d, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) || seconds is < 900 or > MaxSessionDuration))
            return (400, "InvalidParameter.DurationSeconds", "The Min/Max value of DurationSeconds is 15min/1hr.");
        if (p["OIDCProviderArn"] != ProviderArn) return (401, "AuthenticationFail.NoPermission", "No such OIDC Provider registered.");
        var audiences = claims["aud"] is JsonArray a ? a.Select(x => x?.ToString()) : [claims["aud"]?.ToString()];
        if (!audiences.Contains(OidcToken.Audience)) return (401, "AuthenticationFail.OIDCToken.AudienceNotMatch", "Invalid audience.");
        if (DateTimeOffset.FromUnixTimeSeconds((long)claims["exp"]!) <= _clock.GetUtcNow()) return (401, "AuthenticationFail.OIDCToken.Expired", "This JsonWebToken is expired.");
        if (p["RoleArn"] != RoleArn) return (401, "AuthenticationFail.NoPermission", "There is no permission");
        return null;
    }

    private static Dictionary<string, string> Parameters(RecordedHttpRequest request)
    {
        var form = request.Method == "POST" && (request.Headers.GetValueOrDefault("Content-Type") ?? "").StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase)
            ? Encoding.UTF8.GetString(request.Body) : "";
        return (request.Query + "&" + form).Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(pair => pair.Split('=', 2))
            .GroupBy(kv => Unescape(kv[0]))
            .ToDictionary(g => g.Key, g => Unescape(g.First().ElementAtOrDefault(1) ?? ""));
    }

    private static Reply Render(int status, bool json, JsonObject body, string xmlRoot) =>
        json
            ? new Reply(status, body.ToJsonString(), new Dictionary<string, string> { ["Content-Type"] = "application/json;charset=utf-8" })
            : new Reply(status, "<?xml version='1.0' encoding='UTF-8'?>" + new System.Xml.Linq.XElement(xmlRoot, Xml(body)), new Dictionary<string, string> { ["Content-Type"] = "text/xml;charset=utf-8" });

    private static IEnumerable<System.Xml.Linq.XElement> Xml(JsonObject o) =>
        o.Select(kv => kv.Value is JsonObject child ? new System.Xml.Linq.XElement(kv.Key, Xml(child)) : new System.Xml.Linq.XElement(kv.Key, kv.Value?.ToString()));

    private static string Unescape(string s) => Uri.UnescapeDataString(s.Replace('+', ' '));

    private static string Iso(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static string RequestId() => Guid.NewGuid().ToString().ToUpperInvariant();

    private static string Random(int length) =>
        new(Enumerable.Range(0, length).Select(_ => "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789"[System.Security.Cryptography.RandomNumberGenerator.GetInt32(57)]).ToArray());

    [GeneratedRegex(@"^[a-zA-Z0-9.@_-]{2,64}$")]
    private static partial Regex SessionName();

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}

/// <summary>One successful AssumeRoleWithOIDC: the token STS saw and the keys it handed out.</summary>
public sealed record StsExchange(string OidcToken, string SessionName, string AccessKeyId, string AccessKeySecret, string SecurityToken, DateTimeOffset Expiration);
