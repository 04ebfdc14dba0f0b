using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace Archiver.Tests.Support;

/// <summary>
/// A stand-in for Alibaba OSS's S3-compatible endpoint: a loopback proxy in front of the real S3
/// server (radosgw) that refuses what OSS refuses (see <see cref="OssDialect"/> for each rule and its
/// source), checks the client's signature against its own OSS keys, and forwards what passes to the
/// S3 server path-style, signed again with the S3 server's keys.
/// <para>Its endpoint is <c>http://s3.oss-REGION.localhost:PORT</c>, so buckets are
/// <c>BUCKET.s3.oss-REGION.localhost</c>: in-process clients reach it through
/// <see cref="LoopbackHandler"/>, child processes through /etc/hosts in a private mount namespace
/// (<see cref="OssCli"/>). One request per connection; stops on <see cref="Dispose"/>.</para>
/// </summary>
public sealed partial class OssDialectProxy : IDisposable
{
    private static readonly TimeSpan IoTimeout = TimeSpan.FromSeconds(120);

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly S3Server _upstream;
    private readonly CancellationTokenSource _stop = new(TimeSpan.FromMinutes(10));
    private readonly ConcurrentQueue<OssRequest> _requests = new();
    private readonly HashSet<OssRequest> _acknowledged = new(ReferenceEqualityComparer.Instance);
    private int _requestCount;

    public OssDialectProxy(S3Server upstream, string region = "cn-hangzhou")
    {
        _upstream = upstream;
        Region = region;
        _listener.Start();
        _ = HttpWire.AcceptAsync(_listener, HandleAsync, _stop.Token);
    }

    public string Region { get; }

    public OssCredentialsPair Keys { get; } = new("LTAI5tOssStandInId", "oss-stand-in-secret-" + Guid.NewGuid().ToString("N")[..8]);

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>The endpoint's host name: <c>s3.oss-REGION.localhost</c>, OSS's S3 endpoint form.</summary>
    public string EndpointHost => $"s3.oss-{Region}.localhost";

    public string Endpoint => $"http://{EndpointHost}:{Port}";

    /// <summary>Every request seen, in arrival order.</summary>
    public IReadOnlyList<OssRequest> Requests => [.. _requests];

    /// <summary>Refused requests a test has not <see cref="Acknowledge">acknowledged</see>.</summary>
    public IReadOnlyList<OssRequest> Refused
    {
        get
        {
            lock (_acknowledged) return [.. _requests.Where(r => r.Refusal is not null && !_acknowledged.Contains(r))];
        }
    }

    /// <summary>A refusal the test expected (it asserted on it).</summary>
    public void Acknowledge(OssRequest refused)
    {
        lock (_acknowledged) _acknowledged.Add(refused);
    }

    /// <summary>An <c>oss://BUCKET/PREFIX</c> store with this stand-in as its endpoint and its keys,
    /// connecting through <see cref="LoopbackHandler"/>.</summary>
    public Archiver.Stores.IArchiveStore CreateStore(string bucket, string prefix, Dictionary<string, string>? options = null)
    {
        var all = new Dictionary<string, string>(options ?? [], StringComparer.Ordinal) { ["endpoint"] = Endpoint };
        var provider = new Archiver.Stores.S3.S3StoreProvider(Archiver.Stores.S3.S3Flavor.Oss, Environment.GetValueOrDefault, TimeProvider.System, new LoopbackHttpClientFactory(LoopbackHandler));
        return provider.Create(new Uri($"oss://{bucket}/{prefix}"), all);
    }

    /// <summary>The environment an <c>oss://</c> store reads its credentials from.</summary>
    public IReadOnlyDictionary<string, string> Environment => new Dictionary<string, string>
    {
        ["OSS_ACCESS_KEY_ID"] = Keys.Id,
        ["OSS_ACCESS_KEY_SECRET"] = Keys.Secret,
    };

    /// <summary>A handler whose connections all go to this proxy, whatever the host name.</summary>
    public HttpMessageHandler LoopbackHandler() => LoopbackHttpClientFactory.HandlerTo(Port);

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
    }

    private async Task HandleAsync(TcpClient client)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        cts.CancelAfter(IoTimeout);
        var token = cts.Token;
        try
        {
            using (client)
            {
                var down = client.GetStream();
                var head = await HttpWire.ReadHeadAsync(down, token);
                if (head is null) return;
                var (method, path, query, lines) = HttpWire.ParseRequest(head);
                var headers = lines.Select(l => l.Split(':', 2))
                    .Select(p => new KeyValuePair<string, string>(p[0].Trim(), p.Length > 1 ? p[1].Trim() : "")).ToList();
                if (headers.Any(h => h.Key.Equals("Expect", StringComparison.OrdinalIgnoreCase)))
                    await down.WriteAsync("HTTP/1.1 100 Continue\r\n\r\n"u8.ToArray(), token);
                var body = (SigV4.Header(headers, "Transfer-Encoding") ?? "").Contains("chunked", StringComparison.OrdinalIgnoreCase)
                    ? await HttpWire.ReadChunkedAsync(down, token)
                    : await HttpWire.ReadBodyAsync(down, HttpWire.ContentLength(headers.Select(h => $"{h.Key}: {h.Value}")), token);

                var host = (SigV4.Header(headers, "Host") ?? "").Split(':')[0].ToLowerInvariant();
                var bucket = host.EndsWith("." + EndpointHost, StringComparison.Ordinal) ? host[..^(EndpointHost.Length + 1)] : null;
                var hasKey = path.Length > 1;
                var operation = OssDialect.Operation(method, hasKey, query, headers);
                var refusal = bucket is null
                    ? new OssRefusal(403, "SecondLevelDomainForbidden", "Please use virtual hosted style to access.", "vhost")
                    : OssDialect.CheckOperation(operation) ?? OssDialect.Check(headers, Keys) ?? OssDialect.CheckSignature(method, path, query, headers, body, Keys);
                _requests.Enqueue(new OssRequest(method, SigV4.Header(headers, "Host") ?? "", path, query, headers, operation, refusal));
                var requestId = $"{Interlocked.Increment(ref _requestCount):X8}OSSSTANDIN";
                if (refusal is not null)
                {
                    await RefuseAsync(down, refusal, host, requestId, method == "HEAD", token);
                    return;
                }
                await ForwardAsync(down, method, $"/{bucket}{path}", query, headers, body, operation, token);
            }
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The client or the server went away; nothing to clean up beyond the sockets.
        }
    }

    private static async Task RefuseAsync(NetworkStream down, OssRefusal r, string host, string requestId, bool head, CancellationToken token)
    {
        var xml = Encoding.UTF8.GetBytes(OssDialect.ErrorXml(r, host, requestId));
        var text = new StringBuilder($"HTTP/1.1 {r.Status} {(HttpStatusCode)r.Status}\r\nServer: AliyunOSS\r\nContent-Type: application/xml\r\n")
            .Append($"x-oss-request-id: {requestId}\r\n").Append(r.Ec is null ? "" : $"x-oss-ec: {r.Ec}\r\n")
            .Append($"Content-Length: {(head ? 0 : xml.Length)}\r\nConnection: close\r\n\r\n");
        await down.WriteAsync(Encoding.ASCII.GetBytes(text.ToString()), token);
        if (!head) await down.WriteAsync(xml, token);
    }

    /// <summary>Sends the request path-style to the S3 server, signed with its keys; streams the answer
    /// back, except a completed multipart upload's, whose ETag becomes OSS's kind.</summary>
    private async Task ForwardAsync(NetworkStream down, string method, string path, string query, List<KeyValuePair<string, string>> headers, byte[] body, string operation, CancellationToken token)
    {
        var upstream = new Uri(_upstream.Endpoint);
        var kept = headers.Where(h => h.Key.ToLowerInvariant() is var k
                && k is not ("host" or "authorization" or "connection" or "expect" or "content-length" or "transfer-encoding")
                && !k.StartsWith("x-oss-", StringComparison.Ordinal))
            .Prepend(new("Host", upstream.Authority)).ToList();
        var signed = kept.Select(h => h.Key.ToLowerInvariant())
            .Where(k => k is "host" or "content-md5" or "content-type" || k.StartsWith("x-amz-", StringComparison.Ordinal))
            .Distinct().Order(StringComparer.Ordinal).ToList();
        var authorization = SigV4.Authorization(_upstream.AccessKey, _upstream.SecretKey, _upstream.Region, method, path, query, kept, signed, SigV4.Header(headers, "x-amz-content-sha256")!);
        var outHead = new StringBuilder($"{method} {path}{(query.Length > 0 ? "?" + query : "")} HTTP/1.1\r\n");
        foreach (var (k, v) in kept) outHead.Append(k).Append(": ").Append(v).Append("\r\n");
        outHead.Append($"Authorization: {authorization}\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n");

        using var socket = new TcpClient();
        await socket.ConnectAsync(upstream.Host, upstream.Port, token);
        var up = socket.GetStream();
        await up.WriteAsync(Encoding.ASCII.GetBytes(outHead.ToString()), token);
        await up.WriteAsync(body, token);
        var responseLines = await HttpWire.ReadResponseHeadAsync(up, token);

        if (operation == "CompleteMultipartUpload" && responseLines[0].Contains(" 200 ", StringComparison.Ordinal))
        {
            var chunked = responseLines.Any(l => l.StartsWith("Transfer-Encoding:", StringComparison.OrdinalIgnoreCase) && l.Contains("chunked", StringComparison.OrdinalIgnoreCase));
            var answer = chunked ? await HttpWire.ReadChunkedAsync(up, token)
                : responseLines.Any(l => l.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase)) ? await HttpWire.ReadBodyAsync(up, HttpWire.ContentLength(responseLines), token)
                : await HttpWire.ReadToEndAsync(up, token);
            var rewritten = Encoding.UTF8.GetBytes(OssMultipartETag(Encoding.UTF8.GetString(answer), query));
            responseLines = [.. responseLines.Where(l => !l.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase) && !l.StartsWith("Transfer-Encoding:", StringComparison.OrdinalIgnoreCase)), $"Content-Length: {rewritten.Length}"];
            await HttpWire.WriteHeadAsync(down, responseLines, token);
            await down.WriteAsync(rewritten, token);
            return;
        }
        await HttpWire.WriteHeadAsync(down, responseLines, token);
        await up.CopyToAsync(down, token);
    }

    /// <summary>OSS documents a multipart object's ETag as a value of its own making, not md5(part
    /// md5s)-n: this one is the upload id's MD5, upper-case, with the part count kept.</summary>
    private static string OssMultipartETag(string xml, string query)
    {
        var uploadId = query.Split('&').Select(p => p.Split('=', 2)).First(p => p[0] == "uploadId")[1];
        var made = Convert.ToHexString(MD5.HashData(Encoding.UTF8.GetBytes(Uri.UnescapeDataString(uploadId))));
        return ETagElement().Replace(xml, m => $"<ETag>{m.Groups[1].Value}{made}-{m.Groups[2].Value}{m.Groups[3].Value}</ETag>");
    }

    [GeneratedRegex("<ETag>(&quot;|\")?[0-9a-fA-F]+-([0-9]+)(&quot;|\")?</ETag>")]
    private static partial Regex ETagElement();
}
