using Archiver.Encryption;

namespace Archiver.Tests.Encryption;

/// <summary>Encryption streams: memory does not grow with the file (one chunk each way).</summary>
public sealed class AgeMemoryTests
{
    [Fact]
    public void EncryptAndDecrypt_64MiB_AllocateLessThanAFewChunks()
    {
        const long size = 64L << 20;
        var identity = AgeIdentity.Generate();
        var block = new byte[8192];
        Random.Shared.NextBytes(block);
        // Room for all of the ciphertext up front, so only the streams' own allocations are counted.
        var file = new MemoryStream((int)size + (2 << 20));
        using (var warm = new AgeEncryptingStream(Stream.Null, [identity.Recipient])) warm.Write(block);

        var before = GC.GetAllocatedBytesForCurrentThread();
        using (var age = new AgeEncryptingStream(file, [identity.Recipient], leaveOpen: true))
            for (var i = 0; i < size / block.Length; i++) age.Write(block);
        var encryptAllocated = GC.GetAllocatedBytesForCurrentThread() - before;

        file.Position = 0;
        before = GC.GetAllocatedBytesForCurrentThread();
        long read = 0;
        using (var age = AgeDecryptingStream.Open(file, [identity], leaveOpen: true))
        {
            int n;
            while ((n = age.Read(block)) > 0) read += n;
        }
        var decryptAllocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(size, read);
        Assert.True(encryptAllocated < 512 * 1024, $"encrypting 64 MiB allocated {encryptAllocated} bytes");
        Assert.True(decryptAllocated < 512 * 1024, $"decrypting 64 MiB allocated {decryptAllocated} bytes");
    }
}
