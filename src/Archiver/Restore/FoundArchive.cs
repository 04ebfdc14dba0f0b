using Archiver.Archives;

namespace Archiver.Restore;

/// <summary>One archive's entries that matched a <see cref="FindQuery"/>, with where it came from.</summary>
public sealed record FoundArchive(string Key, ManifestSource Source, DateTimeOffset CreatedAt, IReadOnlyList<ManifestEntry> Entries);
