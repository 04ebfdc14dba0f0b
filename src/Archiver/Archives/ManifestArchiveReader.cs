using System.Buffers;
using System.Text.Json;

namespace Archiver.Archives;

/// <summary>
/// Reads only what the verify before a delete compares: the size and SHA-256 the manifest gives its
/// archive (<c>"archive": {"size": ..., "sha256": ...}</c>), checking that the whole document is
/// well-formed JSON (a truncated or cut manifest fails) without building its entries: a manifest
/// holds one entry per file, and deserializing them all cost CPU per directory and, in every
/// process, the JIT compilation of the serializer's metadata for their property types.
/// Memory stays at one buffer (grown only for a single token longer than it).
/// </summary>
public static class ManifestArchiveReader
{
    private const int BufferSize = 64 * 1024;

    /// <summary>The archive's size and SHA-256 as the manifest gives them; null when the document
    /// does not name both. Throws <see cref="JsonException"/> when it is not well-formed JSON.</summary>
    public static async Task<StoredDigest?> ReadAsync(Stream json, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            var scan = new Scan();
            var filled = 0;
            while (true)
            {
                if (filled == buffer.Length)
                {
                    // One token (a long name) fills the buffer: grow it.
                    var larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                    buffer.AsSpan(0, filled).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }
                var read = await json.ReadAsync(buffer.AsMemory(filled), cancellationToken);
                filled += read;
                var consumed = scan.Feed(buffer.AsSpan(0, filled), isFinalBlock: read == 0);
                if (read == 0) return scan.Result;
                buffer.AsSpan(consumed, filled - consumed).CopyTo(buffer);
                filled -= consumed;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>The reader's state between buffers, and what it has found.</summary>
    private sealed class Scan
    {
        private JsonReaderState _state;
        private bool _inArchive;
        private Field _pending;
        private long? _size;
        private string? _sha256;

        private enum Field { None, Archive, Size, Sha256 }

        public StoredDigest? Result => _size is { } size && _sha256 is { } sha ? new StoredDigest(size, sha) : null;

        /// <summary>Reads the complete tokens in <paramref name="data"/>; returns the bytes consumed.</summary>
        public int Feed(ReadOnlySpan<byte> data, bool isFinalBlock)
        {
            var reader = new Utf8JsonReader(data, isFinalBlock, _state);
            while (reader.Read())
            {
                var field = _pending;
                _pending = Field.None;
                switch (reader.TokenType)
                {
                    case JsonTokenType.PropertyName when reader.CurrentDepth == 1:
                        _pending = reader.ValueTextEquals("archive"u8) ? Field.Archive : Field.None;
                        break;
                    case JsonTokenType.PropertyName when reader.CurrentDepth == 2 && _inArchive:
                        _pending = reader.ValueTextEquals("size"u8) ? Field.Size : reader.ValueTextEquals("sha256"u8) ? Field.Sha256 : Field.None;
                        break;
                    case JsonTokenType.StartObject when field == Field.Archive:
                        _inArchive = true;
                        break;
                    case JsonTokenType.EndObject when reader.CurrentDepth == 1:
                        _inArchive = false;
                        break;
                    case JsonTokenType.Number when field == Field.Size && reader.TryGetInt64(out var size):
                        _size = size;
                        break;
                    case JsonTokenType.String when field == Field.Sha256:
                        _sha256 = reader.GetString();
                        break;
                }
            }
            _state = reader.CurrentState;
            return (int)reader.BytesConsumed;
        }
    }
}
