using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Archiver.Primitives;

/// <summary>One JSON object written by hand with <see cref="Utf8JsonWriter"/>, for the small documents
/// Archiver writes many of (journal records, history lines, <c>sweep --json</c> lines).</summary>
public static class SmallJson
{
    /// <summary>The UTF-8 bytes of an object whose properties <paramref name="properties"/> writes;
    /// <paramref name="encoder"/> as the serializer's options would give it (null: the default).</summary>
    public static byte[] Object(Action<Utf8JsonWriter> properties, JavaScriptEncoder? encoder = null)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = encoder }))
        {
            w.WriteStartObject();
            properties(w);
            w.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }
}
