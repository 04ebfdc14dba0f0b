using System.Text;

namespace Archiver.Encryption;

/// <summary>
/// Bech32 (BIP 173, not Bech32m), the encoding of age keys: <c>age1...</c> recipients and
/// <c>AGE-SECRET-KEY-1...</c> identities. An encoding, not cryptography: a checksum guards typos.
/// Like age, it accepts strings longer than BIP 173's 90 characters; mixed case is refused.
/// </summary>
public static class Bech32
{
    private const string Charset = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
    private static readonly uint[] Generator = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3];

    public static string Encode(string hrp, ReadOnlySpan<byte> data)
    {
        var values = ConvertBits(data.ToArray(), 8, 5, pad: true)!;
        var checksum = Polymod([.. ExpandHrp(hrp), .. values, 0, 0, 0, 0, 0, 0]) ^ 1;
        var sb = new StringBuilder(hrp).Append('1');
        foreach (var v in values) sb.Append(Charset[v]);
        for (var i = 0; i < 6; i++) sb.Append(Charset[(int)(checksum >> (5 * (5 - i))) & 31]);
        return sb.ToString();
    }

    /// <summary>Decodes <paramref name="text"/>; false with a reason when it is not valid Bech32.</summary>
    public static bool TryDecode(string text, out string hrp, out byte[] data, out string? error)
    {
        hrp = "";
        data = [];
        error = null;
        if (text.Any(c => c < 33 || c > 126)) return Fail("contains spaces or characters outside printable ASCII", out error);
        if (text.ToLowerInvariant() != text && text.ToUpperInvariant() != text) return Fail("mixes upper and lower case", out error);
        var lower = text.ToLowerInvariant();
        var sep = lower.LastIndexOf('1');
        if (sep < 1 || sep + 7 > lower.Length) return Fail("has no '1' separator followed by data and a 6-character checksum", out error);
        hrp = lower[..sep];
        var values = new List<byte>();
        foreach (var c in lower[(sep + 1)..])
        {
            var v = Charset.IndexOf(c);
            if (v < 0) return Fail($"contains '{c}', which Bech32 does not use", out error);
            values.Add((byte)v);
        }
        if (Polymod([.. ExpandHrp(hrp), .. values]) != 1) return Fail("has a wrong checksum (a typo, or a truncated copy)", out error);
        var decoded = ConvertBits(values.Take(values.Count - 6).ToArray(), 5, 8, pad: false);
        if (decoded is null) return Fail("has invalid padding", out error);
        data = decoded;
        return true;
    }

    private static bool Fail(string message, out string? error)
    {
        error = message;
        return false;
    }

    private static byte[] ExpandHrp(string hrp) =>
        [.. hrp.Select(c => (byte)(c >> 5)), 0, .. hrp.Select(c => (byte)(c & 31))];

    private static uint Polymod(byte[] values)
    {
        uint chk = 1;
        foreach (var v in values)
        {
            var top = chk >> 25;
            chk = ((chk & 0x1ffffff) << 5) ^ v;
            for (var i = 0; i < 5; i++)
                if (((top >> i) & 1) != 0) chk ^= Generator[i];
        }
        return chk;
    }

    private static byte[]? ConvertBits(byte[] data, int from, int to, bool pad)
    {
        var acc = 0;
        var bits = 0;
        var result = new List<byte>();
        var max = (1 << to) - 1;
        foreach (var b in data)
        {
            acc = (acc << from) | b;
            bits += from;
            while (bits >= to)
            {
                bits -= to;
                result.Add((byte)((acc >> bits) & max));
            }
        }
        if (pad)
        {
            if (bits > 0) result.Add((byte)((acc << (to - bits)) & max));
        }
        else if (bits >= from || ((acc << (to - bits)) & max) != 0)
            return null;
        return [.. result];
    }
}
