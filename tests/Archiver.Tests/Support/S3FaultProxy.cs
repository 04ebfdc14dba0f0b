using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Archiver.Tests.Support;

/// <summary>
/// A loopback HTTP proxy in front of the real S3 server that injects faults by rule. Each client
/// connection carries one request: the proxy forwards it with <c>Connection: close</c> and streams the
/// answer back, so it never needs to parse response framing (except to truncate). Listens on
/// 127.0.0.1 only; stops on <see cref="Dispose"/> or by itself after <see cref="Lifetime"/>; every read
/// is bounded by a timeout.
/// </summary>
public sealed class S3FaultProxy : IDisposable
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan IoTimeout = TimeSpan.FromSeconds(60);
    public static readonly TimeSpan StallLimit = TimeSpan.FromSeconds(60);

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Uri _upstream;
    private readonly CancellationTokenSource _stop = new(Lifetime);
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly List<FaultRule> _rules = [];
    private readonly ConcurrentQueue<ProxiedRequest> _requests = new();

    public S3FaultProxy(string upstreamEndpoint)
    {
        _upstream = new Uri(upstreamEndpoint);
        _listener.Start();
        _ = HttpWire.AcceptAsync(_listener, HandleAsync, _stop.Token);
    }

    public string Endpoint => $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";

    public IReadOnlyList<ProxiedRequest> Requests => [.. _requests];

    private long _bytesDown;

    /// <summary>Bytes the server sent back through the proxy (response heads and bodies), all requests.</summary>
    public long BytesDown => Interlocked.Read(ref _bytesDown);

    public string Log => string.Join('\n', _requests);

    /// <summary>Checks each request before it is forwarded (e.g. the session token of temporary
    /// credentials, which radosgw does not check, or what an OSS endpoint refuses); a non-null answer
    /// is sent back as an S3 error.</summary>
    public Func<ProxiedRequest, S3Rejection?>? Gate { get; set; }

    public S3FaultProxy Add(FaultRule rule)
    {
        lock (_rules) _rules.Add(rule);
        return this;
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
    }

    private S3Fault? Decide(ProxiedRequest request)
    {
        lock (_rules)
            foreach (var rule in _rules.Where(r => r.Matches(request)))
            {
                if (++rule.Seen <= rule.Skip) continue;
                if (rule.For is { } window)
                {
                    rule.Started ??= request.At;
                    if (request.At - rule.Started.Value <= window) return rule.Fault;
                    continue;
                }
                if (rule.Applied < rule.Times)
                {
                    rule.Applied++;
                    return rule.Fault;
                }
            }
        return null;
    }

    private async Task HandleAsync(TcpClient client)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        cts.CancelAfter(IoTimeout + StallLimit);
        var token = cts.Token;
        try
        {
            using (client)
            {
                var down = client.GetStream();
                var head = await HttpWire.ReadHeadAsync(down, token);
                if (head is null) return;
                var (method, path, query, headers) = HttpWire.ParseRequest(head);
                var seen = new ProxiedRequest(method, path, query, _clock.Elapsed, null, HeaderMap(headers));
                var fault = Decide(seen);
                _requests.Enqueue(seen with { Fault = fault });

                var length = HttpWire.ContentLength(headers);
                if (headers.Any(h => h.StartsWith("Expect:", StringComparison.OrdinalIgnoreCase)))
                    await down.WriteAsync("HTTP/1.1 100 Continue\r\n\r\n"u8.ToArray(), token);
                if (fault == S3Fault.ResetMidBody)
                {
                    await HttpWire.ReadBodyAsync(down, length / 2, token);
                    client.Client.LingerState = new LingerOption(true, 0);
                    client.Client.Close();
                    return;
                }
                var body = await HttpWire.ReadBodyAsync(down, length, token);
                if (fault is null && Gate?.Invoke(seen) is { } refused)
                {
                    await AnswerAsync(down, refused.Status, ((HttpStatusCode)refused.Status).ToString(), refused.Code, refused.Message, token);
                    return;
                }
                switch (fault)
                {
                    case S3Fault.Status500:
                        await AnswerAsync(down, 500, "Internal Server Error", "InternalError", "We encountered an internal error. Please try again.", token);
                        return;
                    case S3Fault.Status503:
                        await AnswerAsync(down, 503, "Service Unavailable", "ServiceUnavailable", "Please reduce your request rate.", token);
                        return;
                    case S3Fault.SlowDown:
                        await AnswerAsync(down, 503, "Slow Down", "SlowDown", "Please reduce your request rate.", token);
                        return;
                    case S3Fault.Stall:
                        await StallAsync(down, token);
                        return;
                }
                await ForwardAsync(down, head[..head.IndexOf("\r\n", StringComparison.Ordinal)], headers, body, fault is S3Fault.TruncateBody or S3Fault.StallMidBody, token);
                if (fault == S3Fault.StallMidBody) await StallAsync(down, token);
            }
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The client or the server went away; nothing to clean up beyond the sockets.
        }
    }

    private async Task ForwardAsync(NetworkStream down, string requestLine, List<string> headers, byte[] body, bool truncate, CancellationToken token)
    {
        using var upstream = new TcpClient();
        await upstream.ConnectAsync(_upstream.Host, _upstream.Port, token);
        var up = upstream.GetStream();
        var outHead = new StringBuilder(requestLine).Append("\r\n");
        foreach (var h in headers.Where(h => !h.StartsWith("Connection:", StringComparison.OrdinalIgnoreCase)))
            outHead.Append(h).Append("\r\n");
        outHead.Append("Connection: close\r\n\r\n");
        await up.WriteAsync(Encoding.ASCII.GetBytes(outHead.ToString()), token);
        await up.WriteAsync(body, token);

        var responseLines = await HttpWire.ReadResponseHeadAsync(up, token);
        await HttpWire.WriteHeadAsync(down, responseLines, token);
        var limit = truncate ? HttpWire.ContentLength(responseLines.Skip(1).ToList()) / 2 : long.MaxValue;
        var buffer = new byte[81920];
        long sent = 0;
        int n;
        while (sent < limit && (n = await up.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, limit - sent)), token)) > 0)
        {
            await down.WriteAsync(buffer.AsMemory(0, n), token);
            sent += n;
            Interlocked.Add(ref _bytesDown, n);
        }
    }

    /// <summary>Until the client hangs up (a read returns 0) or the stall limit.</summary>
    private static async Task StallAsync(NetworkStream down, CancellationToken token)
    {
        using var stall = CancellationTokenSource.CreateLinkedTokenSource(token);
        stall.CancelAfter(StallLimit);
        try
        {
            while (await down.ReadAsync(new byte[1], stall.Token) > 0)
            {
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException)
        {
        }
    }

    private static async Task AnswerAsync(NetworkStream down, int status, string reason, string code, string message, CancellationToken token)
    {
        var xml = $"<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>{code}</Code><Message>{message}</Message><RequestId>fault-proxy</RequestId></Error>";
        var text = $"HTTP/1.1 {status} {reason}\r\nContent-Type: application/xml\r\nContent-Length: {Encoding.UTF8.GetByteCount(xml)}\r\nConnection: close\r\n\r\n{xml}";
        await down.WriteAsync(Encoding.UTF8.GetBytes(text), token);
    }

    private static Dictionary<string, string> HeaderMap(List<string> headers) =>
        headers.Select(h => h.Split(':', 2)).Where(p => p.Length == 2)
            .GroupBy(p => p[0].Trim(), StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => g.First()[1].Trim(), StringComparer.OrdinalIgnoreCase);
}
