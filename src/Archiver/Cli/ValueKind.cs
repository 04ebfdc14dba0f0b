namespace Archiver.Cli;

/// <summary>What an option takes: nothing (a flag) or a value of one of these shapes, which the
/// parser checks before a command runs.</summary>
public enum ValueKind
{
    Flag,
    Text,
    Int,
    Duration,
    Choice,
}
