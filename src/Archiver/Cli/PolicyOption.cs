using Archiver.Composition;
using Archiver.Policies;

namespace Archiver.Cli;

/// <summary>
/// The <c>--policy FILE</c> option of every command that takes one: declares it, and hands back the
/// policy read and checked (its store URL included) the first time a part of the command asks for it
/// (the store, the age identity file, the key template), so a file is parsed once per command.
/// </summary>
public sealed class PolicyOption(ArgParser args)
{
    public const string Flag = "--policy";

    /// <summary>For the commands that build a sweep's policy (sweep, archive, prune).</summary>
    public static readonly OptionSpec WithOverrides = Spec("policy file; flags given as well override its fields");

    /// <summary>For the commands that read archives back (restore, cat, verify).</summary>
    public static readonly OptionSpec ForReading = Spec("use this policy's store (when --store is not given), and its encryption.age.identityFile");

    private Policy? _policy;

    public static OptionSpec Spec(string help) => OptionSpec.Text(Flag, "FILE", help);

    /// <summary>The file given, or null.</summary>
    public string? File => args.Get(Flag);

    /// <summary>The policy in <see cref="File"/>, read and checked once; null without <c>--policy</c>.
    /// Throws <see cref="ConfigurationException"/> with every error in the file.</summary>
    public Policy? Load() => File is { } file ? _policy ??= PolicyFiles.LoadValid(file) : null;

    /// <summary>--store URL, else the store of --policy FILE; adds a usage error when neither is given.</summary>
    public StoreSpec? Store()
    {
        if (args.Get("--store") is { } url) return new StoreSpec(url);
        if (Load() is { } policy)
        {
            if (policy.Store.Url.Length > 0) return policy.Store;
            args.Errors.Add($"policy {File} names no store; pass --store URL");
            return null;
        }
        args.Errors.Add("--store URL (or --policy FILE) is required, e.g. --store s3://bucket/prefix");
        return null;
    }
}
