namespace Archiver.Encryption;

/// <summary>age's base64: standard alphabet, no padding, canonical only (decoders must refuse anything else).</summary>
internal static class AgeBase64
{
    public static string Encode(ReadOnlySpan<byte> data) => Convert.ToBase64String(data).TrimEnd('=');

    public static byte[]? Decode(string text)
    {
        if (text.Contains('=') || text.Length % 4 == 1) return null;
        byte[] data;
        try
        {
            data = Convert.FromBase64String(text + new string('=', (4 - text.Length % 4) % 4));
        }
        catch (FormatException)
        {
            return null;
        }
        return Encode(data) == text ? data : null;
    }
}
