namespace Archiver.Archives;

/// <summary>The format of the archives Archiver writes: tar + gzip, or tar + zstd (spelled by
/// <see cref="ArchiveFormatNames"/>, compressed by <see cref="Compression"/>).</summary>
public enum ArchiveFormat { TarGz, TarZst }
