namespace Archiver.Cli;

/// <summary>One verb of the CLI. Commands are thin: they read flags, build what the pipeline
/// needs and render its results.</summary>
public interface ICommand
{
    /// <summary>The words that select it, e.g. "sweep" or "policies validate".</summary>
    string Name { get; }

    string Summary { get; }

    string Usage { get; }

    Task<int> RunAsync(IReadOnlyList<string> args, CancellationToken cancellationToken);
}
