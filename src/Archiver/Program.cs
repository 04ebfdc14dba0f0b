using Archiver.Cli;
using Archiver.Cli.Commands;
using Archiver.Logging;
using Archiver.Policies;
using Serilog;

namespace Archiver;

public static class Program
{
    /// <summary>Every verb. Later capabilities add one line here.</summary>
    public static IReadOnlyList<ICommand> Commands(TimeProvider clock) =>
    [
        new DemoCommand(clock),
        new SweepCommand(clock),
        new ArchiveCommand(clock),
        new PoliciesValidateCommand(clock),
        new RunCommand(clock),
        new PruneCommand(clock),
        new RestoreCommand(clock),
        new CatCommand(clock),
        new ListCommand(clock),
        new FindCommand(clock),
        new VerifyCommand(),
        new KeygenCommand(clock),
    ];

    public static async Task<int> Main(string[] args)
    {
        FileSystem.Native.ReturnLargeFreedBlocks();
        TimeZoneData.UseBundledWhenSystemHasNone();
        using var cts = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cts.Cancel();
        };
        return await RunAsync(args, TimeProvider.System, CliConsole.Process(), cts.Token);
    }

    /// <summary>One CLI run, writing to <paramref name="console"/> (the binary's: <see cref="CliConsole.Process"/>).</summary>
    public static async Task<int> RunAsync(IReadOnlyList<string> args, TimeProvider clock, CliConsole console, CancellationToken cancellationToken)
    {
        Terminal.Use(console);
        if (args is ["--version"])
        {
            foreach (var line in VersionText.Lines()) Terminal.Out.WriteLine(line);
            return ExitCodes.Ok;
        }
        var commands = Commands(clock);
        var command = commands
            .Where(c => c.Name.Split(' ') is var words && args.Take(words.Length).SequenceEqual(words))
            .MaxBy(c => c.Name.Length);
        if (command is null)
        {
            var help = args.Count == 0 || args[0] is "help" or "--help" or "-h";
            (help ? Terminal.Out : Terminal.Error).WriteLine(HelpText(commands, help ? null : args[0]));
            return help ? ExitCodes.Ok : ExitCodes.Usage;
        }
        var rest = args.Skip(command.Name.Split(' ').Length).ToList();
        if (GlobalOptions.Help.Names.Any(rest.Contains))
        {
            Terminal.Out.WriteLine(UsageText.For(command));
            return ExitCodes.Ok;
        }
        if (command is not IDaemonCommand) LogSetup.ForCli(rest);
        try
        {
            return await command.RunAsync(rest, cancellationToken);
        }
        catch (UsageException e)
        {
            foreach (var p in e.Problems) Terminal.Error.WriteLine($"error: {p}");
            Terminal.Error.WriteLine($"usage:\n{UsageText.For(command)}");
            return ExitCodes.Usage;
        }
        catch (ConfigurationException e)
        {
            foreach (var p in e.Problems) Terminal.Error.WriteLine($"error: {p}");
            Terminal.Error.WriteLine("Nothing was changed.");
            return ExitCodes.Usage;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            Terminal.Error.WriteLine("cancelled; nothing was deleted half-way, and the next run resumes from the journal.");
            return ExitCodes.SomeFailed;
        }
        catch (Exception e)
        {
            Log.Fatal(e, "{Command} failed", command.Name);
            Terminal.Error.WriteLine($"error: {e.Message}");
            return ExitCodes.SomeFailed;
        }
        finally
        {
            await Log.CloseAndFlushAsync();
        }
    }

    private static string HelpText(IReadOnlyList<ICommand> commands, string? unknown)
    {
        var lines = new List<string>();
        if (unknown is not null) lines.Add($"error: unknown command '{unknown}'\n");
        lines.Add("archiver: archive dead pods' host directories to object storage, then delete them safely.\n");
        lines.Add("commands:");
        lines.AddRange(commands.Select(c => $"  {c.Name,-20} {c.Summary}"));
        lines.Add($"\nEvery command also takes {string.Join(", ", GlobalOptions.All.Select(o => o.Name))}.");
        lines.Add("Run 'archiver COMMAND --help' for a command's flags, 'archiver --version' for the version and native libraries.");
        return string.Join('\n', lines);
    }
}

