using System.Text.Json.Serialization;

namespace Archiver.Archives;

/// <summary>Manifests and integrity records.
/// Compile-time JSON metadata (no reflection-emitted accessors to JIT in a sweep: 61 fewer methods
/// compiled per sweep when measured). Every <see cref="System.Text.Json.JsonSerializerOptions"/> for
/// these types uses it as its resolver, so a type missing here fails in the tests instead of falling back.</summary>
[JsonSerializable(typeof(ArchiveManifest))]
[JsonSerializable(typeof(ManifestEntry))]
[JsonSerializable(typeof(ManifestSource))]
[JsonSerializable(typeof(List<SkippedEntry>))]
[JsonSerializable(typeof(ManifestTotals))]
[JsonSerializable(typeof(ManifestArchive))]
[JsonSerializable(typeof(ManifestIndex))]
[JsonSerializable(typeof(IntegrityRecord))]
[JsonSerializable(typeof(StoredDigest))]
internal sealed partial class ArchivesJson : JsonSerializerContext;
