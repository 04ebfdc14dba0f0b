using Archiver.Cli;

namespace Archiver.Tests.Support;

/// <summary>Runs the real CLI in-process (the same entry point as the binary) and captures what a
/// user would see.</summary>
public static class CliRunner
{
    public sealed record Result(int ExitCode, string Out, string Error, byte[]? RawOut = null)
    {
        public IEnumerable<System.Text.Json.JsonElement> JsonLines =>
            Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement);

        /// <summary>The one <c>--json</c> line about directory <paramref name="dir"/>.</summary>
        public System.Text.Json.JsonElement LineFor(string dir) =>
            JsonLines.Single(l => l.GetProperty("dir").GetString() == dir);

        public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Out}\n--- stderr\n{Error}";
    }

    public static async Task<Result> RunAsync(TimeProvider clock, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var raw = new MemoryStream();
        var code = await Task.Run(async () =>
        {
            return await Program.RunAsync(args, clock, new CliConsole(output, error, () => raw, OutIsTerminal: false, ErrorIsInteractive: false), CancellationToken.None);
        });
        return new Result(code, output.ToString(), error.ToString(), raw.ToArray());
    }

    public static Task<Result> RunAsync(params string[] args) => RunAsync(TimeProvider.System, args);
}
