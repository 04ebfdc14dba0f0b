namespace Archiver.Archives;

/// <summary>The compression of an archive: tar + gzip, or tar + zstd.</summary>
public enum ArchiveFormat { TarGz, TarZst }
