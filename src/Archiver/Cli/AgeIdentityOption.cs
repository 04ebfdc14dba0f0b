using Archiver.Encryption;

namespace Archiver.Cli;

/// <summary>
/// Where commands that read encrypted archives (restore, verify, cat, find) get age identities:
/// <c>--identity FILE</c>, else <c>$ARCHIVER_AGE_IDENTITY_FILE</c>, else
/// <c>encryption.age.identityFile</c> of the policy given with <c>--policy</c> (a mounted Secret).
/// </summary>
public static class AgeIdentityOption
{
    public const string Flag = "--identity";
    public const string EnvironmentVariable = "ARCHIVER_AGE_IDENTITY_FILE";

    /// <summary>The <c>--identity</c> option, declared by every command that opens encrypted archives
    /// (with <c>--policy</c>, whose identity file it falls back to).</summary>
    public static readonly OptionSpec Spec = OptionSpec.Text(Flag, "FILE",
        "age identity file (age-keygen -o FILE) for encrypted .age archives; else $ARCHIVER_AGE_IDENTITY_FILE, else encryption.age.identityFile of --policy FILE");

    /// <summary>The identities, or null when none is configured. Throws <see cref="ConfigurationException"/>
    /// for an unreadable or malformed identity file (or policy, when it is the one asked).</summary>
    public static IReadOnlyList<AgeIdentity>? Load(ArgParser a, PolicyOption policy)
    {
        var file = a.Get(Flag) ?? NonEmpty(Environment.GetEnvironmentVariable(EnvironmentVariable)) ?? policy.Load()?.Encryption?.IdentityFile;
        return file is null ? null : AgeKeyFile.LoadIdentities(file);
    }

    /// <summary>Runs <paramref name="run"/>; an encrypted archive met without an identity, or with one
    /// that does not open it, is exit 1 with what to do.</summary>
    public static async Task<int> RunAsync(Func<Task<int>> run)
    {
        try
        {
            return await run();
        }
        catch (MissingIdentityException e)
        {
            Terminal.Error.WriteLine($"error: {Missing(e.Key)}");
            return ExitCodes.SomeFailed;
        }
        catch (AgeIdentityMismatchException e)
        {
            Terminal.Error.WriteLine($"error: {e.Message}. Nothing was written.");
            return ExitCodes.SomeFailed;
        }
    }

    /// <summary>What to say when an encrypted archive is met without an identity.</summary>
    public static string Missing(string key) =>
        $"{key} is encrypted with age and no identity was given: pass --identity FILE (the key file age-keygen wrote), set ARCHIVER_AGE_IDENTITY_FILE=FILE, or set encryption.age.identityFile in the policy given with --policy FILE. Nothing was written.";

    /// <summary>What <c>find</c> says when it skipped <paramref name="count"/> encrypted manifests for want of an identity.</summary>
    public static string NotSearched(int count) =>
        $"{count} encrypted archive(s) in range were not searched: their manifests are encrypted with age and no identity was given; pass --identity FILE, set ARCHIVER_AGE_IDENTITY_FILE=FILE, or set encryption.age.identityFile in the policy given with --policy FILE";

    private static string? NonEmpty(string? s) => string.IsNullOrEmpty(s) ? null : s;
}
