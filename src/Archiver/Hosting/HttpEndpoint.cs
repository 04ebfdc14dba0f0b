using System.Net;
using System.Net.Sockets;
using System.Text;
using Serilog;

namespace Archiver.Hosting;

/// <summary>
/// A minimal HTTP/1.1 server for probes and scrapes: GET (or HEAD) of a path, one response, close.
/// A TcpListener costs far less memory and start-up than ASP.NET Core and can bind port 0.
/// </summary>
public sealed class HttpEndpoint : IAsyncDisposable
{
    private static readonly ILogger Log = Serilog.Log.ForContext<HttpEndpoint>();
    private readonly TcpListener _listener;
    private readonly Func<string, HttpReply> _handler;
    private readonly CancellationTokenSource _stop = new();
    private Task _loop = Task.CompletedTask;

    public HttpEndpoint(IPEndPoint endpoint, Func<string, HttpReply> handler)
    {
        _listener = new TcpListener(endpoint);
        _handler = handler;
    }

    /// <summary>The address actually bound (the port is filled in when 0 was asked for).</summary>
    public IPEndPoint BoundEndPoint => (IPEndPoint)_listener.LocalEndpoint;

    public void Start()
    {
        try
        {
            _listener.Start();
        }
        catch (SocketException e)
        {
            throw new ConfigurationException($"cannot listen on {_listener.LocalEndpoint}: {e.Message}; choose another --listen address or port");
        }
        _loop = AcceptLoopAsync(_stop.Token);
    }

    private async Task AcceptLoopAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(cancellationToken);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
            _ = Task.Run(() => ServeAsync(client, cancellationToken), CancellationToken.None);
        }
    }

    private async Task ServeAsync(TcpClient client, CancellationToken cancellationToken)
    {
        using var _ = client;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        try
        {
            var stream = client.GetStream();
            var buffer = new byte[8192];
            var length = 0;
            while (length < buffer.Length)
            {
                var n = await stream.ReadAsync(buffer.AsMemory(length), timeout.Token);
                if (n == 0) break;
                length += n;
                if (buffer.AsSpan(0, length).IndexOf("\r\n\r\n"u8) >= 0) break;
            }
            var request = Encoding.ASCII.GetString(buffer, 0, length);
            var line = request.Split("\r\n", 2)[0].Split(' ');
            var reply = line.Length < 2 ? new HttpReply(400, "bad request\n")
                : line[0] is not ("GET" or "HEAD") ? new HttpReply(405, "only GET and HEAD\n")
                : _handler(line[1].Split('?')[0]);
            var body = Encoding.UTF8.GetBytes(reply.Body);
            var head = $"HTTP/1.1 {reply.Status} {Reason(reply.Status)}\r\nContent-Type: {reply.ContentType}\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n";
            await stream.WriteAsync(Encoding.ASCII.GetBytes(head), timeout.Token);
            if (line[0] != "HEAD") await stream.WriteAsync(body, timeout.Token);
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException)
        {
            Log.Debug("HTTP client dropped: {Message}", e.Message);
        }
    }

    private static string Reason(int status) => status switch
    {
        200 => "OK",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        503 => "Service Unavailable",
        _ => "Error",
    };

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _loop;
        _stop.Dispose();
    }
}

/// <summary>One HTTP response.</summary>
public sealed record HttpReply(int Status, string Body, string ContentType = "text/plain; charset=utf-8");
