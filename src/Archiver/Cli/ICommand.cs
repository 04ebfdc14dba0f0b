namespace Archiver.Cli;

/// <summary>One verb of the CLI. Commands are thin: they read flags, build what the pipeline
/// needs and render its results. Its usage is generated from <see cref="Options"/>.</summary>
public interface ICommand
{
    /// <summary>The words that select it, e.g. "sweep" or "policies validate".</summary>
    string Name { get; }

    string Summary { get; }

    /// <summary>Every option it accepts besides <see cref="GlobalOptions.All"/>: the parser reads only
    /// these, and <c>--help</c> lists them.</summary>
    IReadOnlyList<OptionSpec> Options { get; }

    /// <summary>What usage shows after the name besides options, e.g. "DIR" or "KEY..."; empty for none.</summary>
    string Arguments => "";

    /// <summary>Lines --help prints after the options: what the arguments mean, exit codes.</summary>
    string Notes => "";

    Task<int> RunAsync(IReadOnlyList<string> args, CancellationToken cancellationToken);
}
