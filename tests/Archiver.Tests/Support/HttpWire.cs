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
