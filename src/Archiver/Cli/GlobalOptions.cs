namespace Archiver.Cli;

/// <summary>Options every command accepts besides its own.</summary>
public static class GlobalOptions
{
    public static readonly OptionSpec LogLevel = OptionSpec.Choice("--log-level",
            "log from this level up; by default $ARCHIVER_LOG_LEVEL, else Warning (run: Information)",
            ["Verbose", "Debug", "Information", "Warning", "Error", "Fatal"])
        with { Value = "LEVEL", IgnoreCase = true };

    public static readonly OptionSpec Verbose = OptionSpec.Flag("-v", "log Information and up (same as --log-level Information)");

    public static readonly OptionSpec Help = OptionSpec.Flag("--help", "print this help and exit") with { Aliases = ["-h"] };

    public static readonly IReadOnlyList<OptionSpec> All = [LogLevel, Verbose, Help];
}
