using System.Text.Json.Serialization;

namespace Archiver.Archives;

/// <summary>Manifests and integrity records, read with compile-time JSON metadata (no reflection
/// fallback: a type missing here fails in the tests). Manifests are written by hand
/// (<see cref="ManifestWriter"/>), tested against the serializer with it.</summary>
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
