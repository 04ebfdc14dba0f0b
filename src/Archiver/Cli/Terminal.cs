namespace Archiver.Cli;

/// <summary>CLI output: results to stdout, progress and messages to stderr. The only place
/// besides <see cref="Program"/> that writes to the console directly. Tests redirect it per
/// async flow, so CLI runs in parallel tests do not mix their output.</summary>
public static class Terminal
{
    private static readonly AsyncLocal<TextWriter?> OutOverride = new();
    private static readonly AsyncLocal<TextWriter?> ErrorOverride = new();
    private static readonly AsyncLocal<Stream?> RawOverride = new();

    public static TextWriter Out => OutOverride.Value ?? Console.Out;

    public static TextWriter Error => ErrorOverride.Value ?? Console.Error;

    /// <summary>Sends this async flow's output to the given writers (tests).</summary>
    public static void Redirect(TextWriter output, TextWriter error)
    {
        OutOverride.Value = output;
        ErrorOverride.Value = error;
    }

    /// <summary>Stdout as bytes (<c>archiver cat</c>): file content is not text.</summary>
    public static Stream OpenRawOut() => RawOverride.Value ?? Console.OpenStandardOutput();

    /// <summary>Sends this async flow's raw stdout to <paramref name="output"/> (tests).</summary>
    public static void RedirectRaw(Stream output) => RawOverride.Value = output;

    public static bool IsInteractive => OutOverride.Value is null && !Console.IsOutputRedirected && !Console.IsErrorRedirected;

    public static string Bytes(long n) => n switch
    {
        >= 1L << 30 => $"{n / (double)(1L << 30):0.0} GiB",
        >= 1L << 20 => $"{n / (double)(1L << 20):0.0} MiB",
        >= 1L << 10 => $"{n / (double)(1L << 10):0.0} KiB",
        _ => $"{n} B",
    };
}
