namespace Archiver.Cli;

/// <summary>Where one CLI run writes: stdout and stderr as text, stdout as bytes (<c>cat</c>), and
/// whether each is a terminal (progress lines, colours). <see cref="Process"/> is the binary's own;
/// an in-process run (the tests) gives writers of its own, which are not terminals.</summary>
public sealed record CliConsole(TextWriter Out, TextWriter Error, Func<Stream> OpenRawOut, bool OutIsTerminal, bool ErrorIsInteractive)
{
    /// <summary>The process's console, as the binary runs.</summary>
    public static CliConsole Process() =>
        new(Console.Out, Console.Error, Console.OpenStandardOutput, !Console.IsOutputRedirected, !Console.IsErrorRedirected);
}
