using Serilog;
using Serilog.Events;
using Serilog.Formatting.Compact;

namespace Archiver.Logging;

/// <summary>Serilog for the two modes: the CLI logs readable lines to stderr (warnings and up
/// unless -v or --log-level; stack traces only with -v or a level of Debug or lower, since the
/// message already says what failed and what to do), the daemon logs compact JSON events to stdout.</summary>
public static class LogSetup
{
    public static void ForCli(IReadOnlyList<string> args)
    {
        var verbose = args.Contains("-v");
        var level = LevelFrom(args, verbose ? LogEventLevel.Information : LogEventLevel.Warning);
        var traces = verbose || level <= LogEventLevel.Debug ? "{Exception}" : "";
        Log.Logger = new LoggerConfiguration()
            .MinimumLevel.Is(level)
            .Enrich.FromLogContext()
            .WriteTo.Console(standardErrorFromLevel: LogEventLevel.Verbose, outputTemplate: "{Timestamp:HH:mm:ss} {Level:u3} {Message:lj}{NewLine}" + traces)
            .CreateLogger();
    }

    public static void ForDaemon(IReadOnlyList<string> args)
    {
        Log.Logger = new LoggerConfiguration()
            .MinimumLevel.Is(LevelFrom(args, LogEventLevel.Information))
            .MinimumLevel.Override("Quartz", LogEventLevel.Warning)
            .MinimumLevel.Override("Microsoft", LogEventLevel.Warning)
            .Enrich.FromLogContext()
            .WriteTo.Console(new CompactJsonFormatter())
            .CreateLogger();
    }

    private static LogEventLevel LevelFrom(IReadOnlyList<string> args, LogEventLevel fallback)
    {
        var text = Environment.GetEnvironmentVariable("ARCHIVER_LOG_LEVEL");
        for (var i = 0; i < args.Count; i++)
        {
            if (args[i] == "--log-level" && i + 1 < args.Count) text = args[i + 1];
            else if (args[i].StartsWith("--log-level=", StringComparison.Ordinal)) text = args[i]["--log-level=".Length..];
        }
        return Enum.TryParse<LogEventLevel>(text, ignoreCase: true, out var level) ? level : fallback;
    }
}
