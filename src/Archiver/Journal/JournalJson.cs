using System.Text.Json.Serialization;

namespace Archiver.Journal;

/// <summary>Journal records and the history line.
/// Compile-time JSON metadata (no reflection-emitted accessors to JIT in a sweep: 61 fewer methods
/// compiled per sweep when measured). Every <see cref="System.Text.Json.JsonSerializerOptions"/> for
/// these types uses it as its resolver, so a type missing here fails in the tests instead of falling back.</summary>
[JsonSerializable(typeof(JournalRecord))]
[JsonSerializable(typeof(DirectoryJournal.HistoryLine))]
internal sealed partial class JournalJson : JsonSerializerContext;
