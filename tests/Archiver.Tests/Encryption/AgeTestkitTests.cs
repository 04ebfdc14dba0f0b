using System.Security.Cryptography;
using Archiver.Encryption;
using Archiver.Tests.Support;

namespace Archiver.Tests.Encryption;

/// <summary>
/// The public age test vectors (C2SP CCTV age testkit, npm <c>cctv-age</c>) run against Archiver's
/// age reader, as the testkit's README says any implementation uses them: decrypt each file with
/// its identities; <c>success</c> must decrypt to EOF with the payload's SHA-256, every failure
/// must be the failure named (header, HMAC, payload, no match), and the plaintext released before
/// a payload failure must match the payload hash too. Vectors of features Archiver does not
/// implement (passphrases, ASCII armor) must be refused with a "not supported" message, unless
/// they fail exactly as the testkit expects anyway.
/// </summary>
public class AgeTestkitTests
{
    private const string NotSupported = "not supported";

    [Fact]
    public async Task X25519AndFormatVectors_EachDecryptsOrFailsAsTheSpecSays()
    {
        var vectors = (await AgeTestVector.LoadAllAsync()).Where(v => Implemented(v) && !PostQuantum(v)).ToList();

        Assert.True(vectors.Count >= 60, $"only {vectors.Count} X25519 vectors; cctv-age 0.2.0 has 67");
        Assert.Contains(vectors, v => v.Name == "stanza_invalid_character");
        var wrong = vectors.Select(Mismatch).OfType<string>().ToList();
        Assert.True(wrong.Count == 0, string.Join('\n', wrong));
    }

    [Fact]
    public async Task PostQuantumVectors_EachDecryptsOrFailsAsTheSpecSays()
    {
        var vectors = (await AgeTestVector.LoadAllAsync()).Where(v => Implemented(v) && PostQuantum(v)).ToList();

        Assert.True(vectors.Count >= 18, $"only {vectors.Count} post-quantum vectors; cctv-age 0.2.0 has 19");
        Assert.Contains(vectors, v => v.Name == "hybrid" && v.Expect == "success");
        var wrong = vectors.Select(Mismatch).OfType<string>().ToList();
        Assert.True(wrong.Count == 0, string.Join('\n', wrong));
    }

    [Fact]
    public async Task PassphraseAndArmorVectors_AreRefusedAsNotSupported()
    {
        var vectors = (await AgeTestVector.LoadAllAsync()).Where(v => !Implemented(v)).ToList();

        Assert.True(vectors.Count >= 50, $"only {vectors.Count} scrypt and armor vectors; cctv-age 0.2.0 has 57");
        var outcomes = vectors.ToDictionary(v => v.Name, Decrypt);
        Assert.Equal(NotSupported, outcomes["scrypt"].Outcome);
        Assert.Contains("passphrase (scrypt), which is not supported", outcomes["scrypt"].Message);
        Assert.Equal(NotSupported, outcomes["armor_x25519"].Outcome);
        Assert.Contains("ASCII-armored age file", outcomes["armor_x25519"].Message);
        var wrong = vectors
            .Where(v => outcomes[v.Name] is var o && !(o.Outcome == NotSupported && o.Message!.Contains(NotSupported) || FailsAsExpectedAnyway(v, o.Outcome)))
            .Select(v => $"{v.Name}: expected '{NotSupported}' (testkit: {v.Expect}), got '{outcomes[v.Name].Outcome}': {outcomes[v.Name].Message}")
            .ToList();
        Assert.True(wrong.Count == 0, string.Join('\n', wrong));
    }

    // Without scrypt or armor, a vector whose expected failure is in the binary header or its
    // stanzas (or, for armor, a first line that is no age header) may fail as that.
    private static bool FailsAsExpectedAnyway(AgeTestVector v, string outcome) =>
        v.Expect is "header failure" or "no match" && outcome == v.Expect || v.Expect == "armor failure" && outcome == "header failure";

    private static bool Implemented(AgeTestVector v) => !v.Armored && v.Passphrases.Count == 0;

    private static bool PostQuantum(AgeTestVector v) => v.Identities.Any(i => i.StartsWith("AGE-SECRET-KEY-PQ-", StringComparison.Ordinal));

    /// <summary>Why <paramref name="v"/> did not decrypt as the testkit expects; null when it did.</summary>
    private static string? Mismatch(AgeTestVector v)
    {
        var (outcome, hash, message) = Decrypt(v);
        if (outcome != v.Expect) return $"{v.Name}: expected '{v.Expect}', got '{outcome}': {message} ({v.Comment})";
        if (outcome is "success" or "payload failure" && hash != v.Payload)
            return $"{v.Name}: {outcome}, but the plaintext released has SHA-256 {hash}, not {v.Payload}";
        return null;
    }

    /// <summary>Decrypts the vector's file as restore does, hashing every plaintext byte released:
    /// the outcome in the testkit's words, the hash, and the error message.</summary>
    private static (string Outcome, string Hash, string? Message) Decrypt(AgeTestVector v)
    {
        var identities = new List<AgeIdentity>();
        foreach (var text in v.Identities)
        {
            if (!AgeIdentity.TryParse(text, out var identity, out var error)) return ("identity refused", "", error);
            identities.Add(identity!);
        }
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        string Hash() => Convert.ToHexStringLower(sha.GetCurrentHash());
        try
        {
            using var plain = AgeDecryptingStream.Open(new MemoryStream(v.File), identities);
            var buffer = new byte[4096];
            int n;
            while ((n = plain.Read(buffer)) > 0) sha.AppendData(buffer, 0, n);
            return ("success", Hash(), null);
        }
        catch (AgeIdentityMismatchException e)
        {
            return ("no match", Hash(), e.Message);
        }
        catch (InvalidDataException e) when (AgeFaults.Of(e) is { } fault)
        {
            var outcome = fault switch
            {
                AgeFault.Header => "header failure",
                AgeFault.HeaderMac => "HMAC failure",
                AgeFault.Payload => "payload failure",
                _ => NotSupported,
            };
            return (outcome, Hash(), e.Message);
        }
        catch (Exception e)
        {
            return ($"unexpected {e.GetType().Name}", Hash(), e.Message);
        }
    }
}
