namespace Archiver.Cli;

/// <summary>A usage error: wrong flags or arguments. Exit code 2, nothing touched; the command's
/// usage is printed after the problems.</summary>
public sealed class UsageException(IReadOnlyList<string> problems)
    : Exception(string.Join(Environment.NewLine, problems))
{
    public IReadOnlyList<string> Problems { get; } = problems;
}
