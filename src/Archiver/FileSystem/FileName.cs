using System.Buffers;
using System.Text;
using System.Text.Unicode;

namespace Archiver.FileSystem;

/// <summary>
/// Linux names are bytes; Archiver holds them in .NET strings with Python's <c>surrogateescape</c>
/// mapping: valid UTF-8 decodes as usual, and each byte that is not part of valid UTF-8 becomes the
/// lone surrogate U+DC80+byte (0xE9 → U+DCE9). The mapping is exact both ways, so two names that
/// differ only in such bytes stay two names. Every native call takes names through
/// <see cref="FileNameMarshaller"/>, which encodes them back; .NET's own file APIs would not.
/// </summary>
public static class FileName
{
    private const char FirstEscape = '\uDC80';
    private const char LastEscape = '\uDCFF';

    /// <summary>The name held by <paramref name="bytes"/>, escaping the bytes that are not UTF-8.</summary>
    public static string Decode(ReadOnlySpan<byte> bytes)
    {
        if (Utf8.IsValid(bytes)) return Encoding.UTF8.GetString(bytes);
        var sb = new StringBuilder(bytes.Length);
        while (!bytes.IsEmpty)
        {
            if (Rune.DecodeFromUtf8(bytes, out var rune, out var consumed) == OperationStatus.Done)
            {
                sb.Append(rune.ToString());
                bytes = bytes[consumed..];
            }
            else
            {
                sb.Append((char)(FirstEscape - 0x80 + bytes[0]));
                bytes = bytes[1..];
            }
        }
        return sb.ToString();
    }

    /// <summary>True when <paramref name="name"/> holds escaped bytes (it was not valid UTF-8).</summary>
    public static bool HasEscapes(string name)
    {
        var span = name.AsSpan();
        var i = span.IndexOfAnyInRange('\uD800', '\uDFFF');
        if (i < 0) return false;
        for (; i < span.Length; i++)
        {
            if (IsEscape(span, i)) return true;
            if (char.IsHighSurrogate(span[i]) && i + 1 < span.Length && char.IsLowSurrogate(span[i + 1])) i++;
        }
        return false;
    }

    /// <summary>The bytes of <paramref name="name"/>.</summary>
    public static byte[] Encode(string name)
    {
        if (!HasEscapes(name)) return Encoding.UTF8.GetBytes(name);
        var bytes = new byte[ByteCount(name)];
        Encode(name, bytes);
        return bytes;
    }

    /// <summary>How many bytes <see cref="Encode(string, Span{byte})"/> writes.</summary>
    public static int ByteCount(string name)
    {
        if (!HasEscapes(name)) return Encoding.UTF8.GetByteCount(name);
        var count = 0;
        var span = name.AsSpan();
        for (var i = 0; i < span.Length; i++)
        {
            if (IsEscape(span, i)) count++;
            else if (char.IsHighSurrogate(span[i]) && i + 1 < span.Length && char.IsLowSurrogate(span[i + 1])) (count, i) = (count + 4, i + 1);
            else count += Encoding.UTF8.GetByteCount(span.Slice(i, 1));
        }
        return count;
    }

    /// <summary>Writes the bytes of <paramref name="name"/> to <paramref name="destination"/> and
    /// returns how many; the destination holds at least <see cref="ByteCount"/> bytes.</summary>
    public static int Encode(string name, Span<byte> destination)
    {
        var span = name.AsSpan();
        if (span.IndexOfAnyInRange('\uD800', '\uDFFF') < 0) return Encoding.UTF8.GetBytes(span, destination);
        var written = 0;
        var start = 0;
        for (var i = 0; i < span.Length; i++)
        {
            if (char.IsHighSurrogate(span[i]) && i + 1 < span.Length && char.IsLowSurrogate(span[i + 1]))
            {
                i++;
                continue;
            }
            if (!IsEscape(span, i)) continue;
            written += Encoding.UTF8.GetBytes(span[start..i], destination[written..]);
            destination[written++] = (byte)(span[i] - FirstEscape + 0x80);
            start = i + 1;
        }
        return written + Encoding.UTF8.GetBytes(span[start..], destination[written..]);
    }

    /// <summary>
    /// The name as printed in tables, logs and errors, and as globs match it: each escaped byte as
    /// <c>\xHH</c> (lower-case hex) and a newline as <c>\n</c>. A name without either is returned as is.
    /// </summary>
    public static string Printable(string name)
    {
        if (!name.Contains('\n') && !HasEscapes(name)) return name;
        var sb = new StringBuilder(name.Length + 8);
        var span = name.AsSpan();
        for (var i = 0; i < span.Length; i++)
        {
            if (span[i] == '\n') sb.Append("\\n");
            else if (IsEscape(span, i)) sb.Append("\\x").Append(((int)span[i] - FirstEscape + 0x80).ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
            else sb.Append(span[i]);
        }
        return sb.ToString();
    }

    /// <summary>Whether <paramref name="s"/>[<paramref name="i"/>] is an escaped byte: a lone low
    /// surrogate in U+DC80..U+DCFF, not the second half of a pair.</summary>
    public static bool IsEscape(ReadOnlySpan<char> s, int i) =>
        s[i] is >= FirstEscape and <= LastEscape && (i == 0 || !char.IsHighSurrogate(s[i - 1]));
}
