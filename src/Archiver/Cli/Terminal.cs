namespace Archiver.Cli;

/// <summary>CLI output: results to stdout, progress and messages to stderr. The only place
/// besides <see cref="Program"/> that writes to the console directly.</summary>
public static class Terminal
{
    public static TextWriter Out { get; set; } = Console.Out;

    public static TextWriter Error { get; set; } = Console.Error;

    public static bool IsInteractive => !Console.IsOutputRedirected && !Console.IsErrorRedirected && ReferenceEquals(Out, Console.Out);

    public static string Bytes(long n) => n switch
    {
        >= 1L << 30 => $"{n / (double)(1L << 30):0.0} GiB",
        >= 1L << 20 => $"{n / (double)(1L << 20):0.0} MiB",
        >= 1L << 10 => $"{n / (double)(1L << 10):0.0} KiB",
        _ => $"{n} B",
    };
}
