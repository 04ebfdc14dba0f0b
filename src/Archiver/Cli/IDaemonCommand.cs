namespace Archiver.Cli;

/// <summary>Marks the long-running command, which sets up its own (JSON) logging.</summary>
public interface IDaemonCommand;
