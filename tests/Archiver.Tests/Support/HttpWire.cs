using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace Archiver.Tests.Support;

/// <summary>Reading HTTP/1.1 messages off a socket, for the loopback proxies in front of the S3 server.</summary>
public static class HttpWire
{
    /// <summary>Reads up to and including the blank line; null when the peer closed first. At most 64 KiB.</summary>
    public static async Task<string?> ReadHeadAsync(NetworkStream stream, CancellationToken token)
    {
        var bytes = new List<byte>(1024);
        var one = new byte[1];
        while (bytes.Count < 64 * 1024)
        {
            if (await stream.ReadAsync(one, token) == 0) return null;
            bytes.Add(one[0]);
            if (bytes.Count >= 4 && bytes[^1] == '\n' && bytes[^2] == '\r' && bytes[^3] == '\n' && bytes[^4] == '\r')
                return Encoding.ASCII.GetString(bytes.ToArray());
        }
        throw new IOException("request head longer than 64 KiB");
    }

    /// <summary>A request head split into its method, path, query (without the '?') and header lines.</summary>
    public static (string Method, string Path, string Query, List<string> Headers) ParseRequest(string head)
    {
        var lines = head.Split("\r\n");
        var requestLine = lines[0].Split(' ');
        var target = requestLine[1];
        var q = target.IndexOf('?');
        return (requestLine[0], q < 0 ? target : target[..q], q < 0 ? "" : target[(q + 1)..], lines.Skip(1).Where(l => l.Length > 0).ToList());
    }

    /// <summary>Accepts connections until <paramref name="stop"/>, each handled on its own.</summary>
    public static async Task AcceptAsync(TcpListener listener, Func<TcpClient, Task> handle, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await listener.AcceptTcpClientAsync(stop);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                break;
            }
            _ = handle(client);
        }
        listener.Stop();
    }

    /// <summary>A response's status line and headers (after any 100 Continue), without Connection.</summary>
    public static async Task<List<string>> ReadResponseHeadAsync(NetworkStream stream, CancellationToken token)
    {
        string head;
        do
            head = await ReadHeadAsync(stream, token) ?? throw new IOException("the S3 server closed the connection without answering");
        while (head.StartsWith("HTTP/1.1 100", StringComparison.Ordinal));
        return head.Split("\r\n").Where(l => l.Length > 0 && !l.StartsWith("Connection:", StringComparison.OrdinalIgnoreCase)).ToList();
    }

    /// <summary>Writes a response head with <c>Connection: close</c> added.</summary>
    public static Task WriteHeadAsync(NetworkStream stream, IEnumerable<string> lines, CancellationToken token) =>
        stream.WriteAsync(Encoding.ASCII.GetBytes(string.Join("\r\n", lines) + "\r\nConnection: close\r\n\r\n"), token).AsTask();

    public static async Task<byte[]> ReadBodyAsync(NetworkStream stream, long length, CancellationToken token)
    {
        var body = new byte[length];
        await stream.ReadExactlyAsync(body, token);
        return body;
    }

    /// <summary>A <c>Transfer-Encoding: chunked</c> body, decoded (trailers skipped).</summary>
    public static async Task<byte[]> ReadChunkedAsync(NetworkStream stream, CancellationToken token)
    {
        using var body = new MemoryStream();
        while (true)
        {
            var line = await ReadLineAsync(stream, token);
            var size = int.Parse(line.Split(';')[0].Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            if (size == 0)
            {
                while ((await ReadLineAsync(stream, token)).Length > 0)
                {
                }
                return body.ToArray();
            }
            body.Write(await ReadBodyAsync(stream, size, token));
            await ReadLineAsync(stream, token);
        }
    }

    /// <summary>Everything until the peer closes.</summary>
    public static async Task<byte[]> ReadToEndAsync(NetworkStream stream, CancellationToken token)
    {
        using var body = new MemoryStream();
        await stream.CopyToAsync(body, token);
        return body.ToArray();
    }

    public static long ContentLength(IEnumerable<string> headers) =>
        headers.FirstOrDefault(h => h.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase)) is { } h
            ? long.Parse(h[15..].Trim(), CultureInfo.InvariantCulture)
            : 0;

    private static async Task<string> ReadLineAsync(NetworkStream stream, CancellationToken token)
    {
        var bytes = new List<byte>(16);
        var one = new byte[1];
        while (!(bytes.Count >= 2 && bytes[^1] == '\n' && bytes[^2] == '\r'))
        {
            if (await stream.ReadAsync(one, token) == 0) throw new IOException("connection closed inside a chunked body");
            bytes.Add(one[0]);
        }
        return Encoding.ASCII.GetString(bytes.ToArray(), 0, bytes.Count - 2);
    }
}
