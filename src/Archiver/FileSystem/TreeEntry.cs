namespace Archiver.FileSystem;

/// <summary>One path in a pod directory: its path relative to the directory ("" for the directory
/// itself), its full path, and its lstat.</summary>
public sealed record TreeEntry(string RelativePath, string FullPath, FileStatus Status, bool Excluded);
