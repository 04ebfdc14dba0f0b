namespace Archiver.Encryption;

/// <summary>No identity given opens the file: a wrong key, not a damaged file.</summary>
public sealed class AgeIdentityMismatchException(string message) : IOException(message);
