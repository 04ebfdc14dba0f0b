using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Archiver.Tests.Support;

/// <summary>
/// A tiny HTTP/1.1 server on 127.0.0.1 that records every request exactly as it arrived (request
/// line, headers, body bytes) and answers from a script. For checking the shape of what a client
/// sends (e.g. that OSS requests use host-style buckets and no aws-chunked bodies) and how it
/// reacts to errors (503 SlowDown, then success).
/// </summary>
public sealed class RecordingHttpServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Func<RecordedHttpRequest, Reply> _respond;
    private readonly Task _accepting;

    public RecordingHttpServer(Func<RecordedHttpRequest, Reply> respond)
    {
        _respond = respond;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public ConcurrentQueue<RecordedHttpRequest> Requests { get; } = new();

    /// <summary>A handler whose connections all go to this server, whatever host name a URL has
    /// (so virtual-hosted <c>bucket.localhost</c> URLs reach it; nothing ever leaves loopback).</summary>
    public HttpMessageHandler LoopbackHandler() => LoopbackHttpClientFactory.HandlerTo(Port);

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using var _ = client;
        var stream = client.GetStream();
        try
        {
            while (await ReadRequestAsync(stream) is { } request)
            {
                Requests.Enqueue(request);
                var reply = _respond(request);
                if (reply.Status == 0) return; // drop the connection: a reset as the client sees it
                var head = new StringBuilder($"HTTP/1.1 {reply.Status} {(HttpStatusCode)reply.Status}\r\n");
                foreach (var (k, v) in reply.Headers) head.Append(k).Append(": ").Append(v).Append("\r\n");
                var body = Encoding.UTF8.GetBytes(reply.Body);
                if (request.Method != "HEAD" || !reply.Headers.ContainsKey("Content-Length"))
                    head.Append("Content-Length: ").Append(request.Method == "HEAD" ? 0 : body.Length).Append("\r\n");
                head.Append("\r\n");
                await stream.WriteAsync(Encoding.ASCII.GetBytes(head.ToString()));
                if (request.Method != "HEAD") await stream.WriteAsync(body);
            }
        }
        catch (IOException)
        {
        }
    }

    private static async Task<RecordedHttpRequest?> ReadRequestAsync(NetworkStream stream)
    {
        var line = await ReadLineAsync(stream);
        if (string.IsNullOrEmpty(line)) return null;
        var parts = line.Split(' ');
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        while (await ReadLineAsync(stream) is { Length: > 0 } h)
        {
            var colon = h.IndexOf(':');
            headers[h[..colon].Trim()] = h[(colon + 1)..].Trim();
        }
        if (headers.TryGetValue("Expect", out var expect) && expect.Equals("100-continue", StringComparison.OrdinalIgnoreCase))
            await stream.WriteAsync("HTTP/1.1 100 Continue\r\n\r\n"u8.ToArray());
        var body = new byte[headers.TryGetValue("Content-Length", out var cl) ? int.Parse(cl, System.Globalization.CultureInfo.InvariantCulture) : 0];
        await stream.ReadExactlyAsync(body);
        return new RecordedHttpRequest(parts[0], parts[1], headers, body);
    }

    private static async Task<string?> ReadLineAsync(NetworkStream stream)
    {
        var bytes = new List<byte>();
        var one = new byte[1];
        while (true)
        {
            if (await stream.ReadAsync(one) == 0) return bytes.Count == 0 ? null : Encoding.ASCII.GetString([.. bytes]);
            if (one[0] == '\n') return Encoding.ASCII.GetString([.. bytes]).TrimEnd('\r');
            bytes.Add(one[0]);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _accepting;
        }
        catch (OperationCanceledException)
        {
        }
    }
}

/// <summary>One request as received: method, target (path and query), headers, body.</summary>
public sealed record RecordedHttpRequest(string Method, string Target, IReadOnlyDictionary<string, string> Headers, byte[] Body)
{
    public string Host => Headers.GetValueOrDefault("Host") ?? "";

    public string Path => Target.Split('?')[0];

    public string Query => Target.Contains('?') ? Target[(Target.IndexOf('?') + 1)..] : "";
}

/// <summary>What the server answers; status 0 closes the connection without an answer.</summary>
public sealed record Reply(int Status, string Body = "", IReadOnlyDictionary<string, string>? ExtraHeaders = null)
{
    public IReadOnlyDictionary<string, string> Headers => ExtraHeaders ?? new Dictionary<string, string>();
}
