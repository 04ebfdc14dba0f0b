using Archiver.Encryption;

namespace Archiver.Tests.Support;

/// <summary>Whole files through Archiver's own age streams, for interoperability tests.</summary>
public static class AgeFiles
{
    public static void Encrypt(string path, byte[] plain, params AgeRecipient[] recipients)
    {
        using var output = File.Create(path);
        using var age = new AgeEncryptingStream(output, recipients);
        age.Write(plain);
    }

    public static byte[] Decrypt(string path, IReadOnlyList<AgeIdentity> identities)
    {
        using var file = File.OpenRead(path);
        using var age = AgeDecryptingStream.Open(file, identities);
        var output = new MemoryStream();
        age.CopyTo(output);
        return output.ToArray();
    }
}
