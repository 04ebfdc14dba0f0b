using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Archiver.FileSystem;

namespace Archiver.Archives;

/// <summary>
/// A name in the manifest. A UTF-8 name is an ordinary JSON string. A name with bytes that are not
/// UTF-8 keeps them as the lone surrogates <see cref="FileName"/> maps them to, written as
/// <c>\udcXX</c> escapes (<c>caf\xe9.log</c> → <c>"caf\udce9.log"</c>): what Python's
/// <c>json.dumps(os.fsdecode(name))</c> writes, so <c>os.fsencode(json.load(f)[...])</c> gives the
/// bytes back. System.Text.Json on its own writes U+FFFD for them and refuses to read them back.
/// </summary>
public sealed class FileNameJsonConverter : JsonConverter<string>
{
    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.Null) return null;
        if (!reader.ValueIsEscaped) return reader.GetString();
        var raw = reader.HasValueSequence ? reader.ValueSequence.ToArray() : reader.ValueSpan;
        return Unescape(raw);
    }

    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => WriteName(writer, value);

    /// <summary>Writes <paramref name="value"/> as this converter does (for writers that do not use the serializer).</summary>
    public static void WriteName(Utf8JsonWriter writer, string value)
    {
        if (!FileName.HasEscapes(value))
        {
            writer.WriteStringValue(value);
            return;
        }
        var sb = new StringBuilder(value.Length + 16).Append('"');
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c is '"' or '\\') sb.Append('\\').Append(c);
            else if (c < ' ' || FileName.IsEscape(value, i)) sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
            else sb.Append(c);
        }
        writer.WriteRawValue(sb.Append('"').ToString(), skipInputValidation: true);
    }

    /// <summary>A JSON string's content with its escapes resolved, lone surrogates kept.</summary>
    private static string Unescape(ReadOnlySpan<byte> raw)
    {
        var sb = new StringBuilder(raw.Length);
        while (!raw.IsEmpty)
        {
            var slash = raw.IndexOf((byte)'\\');
            if (slash < 0)
            {
                sb.Append(Encoding.UTF8.GetString(raw));
                break;
            }
            sb.Append(Encoding.UTF8.GetString(raw[..slash]));
            var c = (char)raw[slash + 1];
            var consumed = 2;
            sb.Append(c switch
            {
                'b' => '\b',
                'f' => '\f',
                'n' => '\n',
                'r' => '\r',
                't' => '\t',
                'u' => (char)int.Parse(raw.Slice(slash + 2, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture),
                _ => c,
            });
            if (c == 'u') consumed = 6;
            raw = raw[(slash + consumed)..];
        }
        return sb.ToString();
    }
}
