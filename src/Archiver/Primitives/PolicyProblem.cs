namespace Archiver.Primitives;

/// <summary>One thing wrong with a policy, where it is, and what to do about it.</summary>
public sealed record PolicyProblem(string Source, int Line, string Message, bool IsWarning = false)
{
    public override string ToString() =>
        Source.Length == 0 ? $"{(IsWarning ? "warning: " : "")}{Message}" :
        Line > 0 ? $"{Source}:{Line}: {(IsWarning ? "warning: " : "")}{Message}" : $"{Source}: {(IsWarning ? "warning: " : "")}{Message}";
}

/// <summary>Thrown when a configuration (policy file, flags) cannot be used. Carries every problem
/// found, so the user fixes them all in one round. Nothing has been touched when it is thrown.</summary>
public sealed class ConfigurationException(IReadOnlyList<PolicyProblem> problems)
    : Exception(string.Join(Environment.NewLine, problems))
{
    public IReadOnlyList<PolicyProblem> Problems { get; } = problems;

    public ConfigurationException(string message) : this([new PolicyProblem("", 0, message)]) { }
}
