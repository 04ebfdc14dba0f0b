using System.Text;

namespace Archiver.Tests.Archives;

/// <summary>Deterministic input that compresses like pod data: log lines with an incompressible stretch.</summary>
internal static class CompressionSamples
{
    public static byte[] LogLike(int size, int seed = 1)
    {
        var r = new Random(seed);
        var bytes = new byte[size];
        var sb = new StringBuilder();
        var pos = 0;
        while (pos < size)
        {
            if (r.Next(20) == 0)
            {
                var n = Math.Min(size - pos, r.Next(1, 4096));
                r.NextBytes(bytes.AsSpan(pos, n));
                pos += n;
                continue;
            }
            sb.Clear().Append("10.").Append(r.Next(256)).Append('.').Append(r.Next(256)).Append(" - - [23/Nov/2026:00:").Append(r.Next(60))
                .Append("] \"GET /api/v1/orders/").Append(r.Next(99999)).Append(" HTTP/1.1\" 200 ").Append(r.Next(50000)).Append(" \"kube-probe/1.29\"\n");
            var line = Encoding.ASCII.GetBytes(sb.ToString());
            var take = Math.Min(size - pos, line.Length);
            line.AsSpan(0, take).CopyTo(bytes.AsSpan(pos));
            pos += take;
        }
        return bytes;
    }

    /// <summary>Writes <paramref name="data"/> in uneven pieces, as the tar writer does (headers, then file chunks).</summary>
    public static void WriteInPieces(Stream s, byte[] data)
    {
        var r = new Random(data.Length);
        for (var pos = 0; pos < data.Length;)
        {
            var n = Math.Min(data.Length - pos, r.Next(1, 200_000));
            s.Write(data, pos, n);
            pos += n;
        }
    }
}
