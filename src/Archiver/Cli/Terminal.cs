namespace Archiver.Cli;

/// <summary>CLI output: results to stdout, progress and messages to stderr, through the
/// <see cref="CliConsole"/> of the run (<see cref="Program.RunAsync(IReadOnlyList{string}, TimeProvider, CliConsole, CancellationToken)"/>
/// sets it per async flow, so in-process runs in parallel tests do not mix their output). The only
/// place besides <see cref="Program"/> that writes to the console.</summary>
public static class Terminal
{
    private static readonly AsyncLocal<CliConsole?> Used = new();

    private static CliConsole Run => Used.Value ?? CliConsole.Process();

    /// <summary>This async flow's CLI run writes to <paramref name="console"/>.</summary>
    public static void Use(CliConsole console) => Used.Value = console;

    public static TextWriter Out => Run.Out;

    public static TextWriter Error => Run.Error;

    /// <summary>Stdout as bytes (<c>archiver cat</c>): file content is not text.</summary>
    public static Stream OpenRawOut() => Run.OpenRawOut();

    /// <summary>Stdout is a terminal (not a pipe or a file).</summary>
    public static bool OutputIsTerminal => Run.OutIsTerminal;

    /// <summary>Stderr is a terminal (progress lines; stdout may be a pipe, as with <c>cat | grep</c>).</summary>
    public static bool ErrorIsInteractive => Run.ErrorIsInteractive;

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
