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

    /// <summary>Stdout is a terminal (not a pipe or a file).</summary>
    public static bool OutputIsTerminal => OutOverride.Value is null && RawOverride.Value is null && !Console.IsOutputRedirected;

    /// <summary>Stderr is a terminal (progress lines; stdout may be a pipe, as with <c>cat | grep</c>).</summary>
    public static bool ErrorIsInteractive => ErrorOverride.Value is null && !Console.IsErrorRedirected;

    /// <summary>The terminal's width in columns (80 when it cannot be told).</summary>
    public static int ErrorWidth
    {
        get
        {
            try
            {
                return Console.WindowWidth is > 20 and var w ? w : 80;
            }
            catch (IOException)
            {
                return 80;
            }
        }
    }

    public static string Bytes(long n) => n switch
    {
        >= 1L << 30 => $"{n / (double)(1L << 30):0.0} GiB",
        >= 1L << 20 => $"{n / (double)(1L << 20):0.0} MiB",
        >= 1L << 10 => $"{n / (double)(1L << 10):0.0} KiB",
        _ => $"{n} B",
    };
}
