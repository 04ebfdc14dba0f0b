using System.Text.Json.Serialization;

namespace Archiver.Journal;

/// <summary>Journal records and the history line: records are read with this compile-time metadata
/// (no reflection fallback: a type missing here fails in the tests); both are written by hand
/// (<see cref="JournalJsonWriter"/>), tested against the serializer with it.</summary>
[JsonSerializable(typeof(JournalRecord))]
[JsonSerializable(typeof(DirectoryJournal.HistoryLine))]
internal sealed partial class JournalJson : JsonSerializerContext;
