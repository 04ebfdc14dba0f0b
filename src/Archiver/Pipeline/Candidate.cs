using Archiver.FileSystem;

namespace Archiver.Pipeline;

/// <summary>An immediate child of a policy's root, as lstat saw it.</summary>
public sealed record Candidate(string Name, string FullPath, FileStatus Status);
