namespace Archiver.Encryption;

/// <summary>An age-encrypted object was to be read and no identity was given. The command that
/// catches it says where an identity can come from.</summary>
public sealed class MissingIdentityException(string key)
    : Exception($"{key} is encrypted with age and no identity was given to open it")
{
    public string Key { get; } = key;
}
