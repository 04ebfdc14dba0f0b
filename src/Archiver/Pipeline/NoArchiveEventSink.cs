namespace Archiver.Pipeline;

/// <summary>Records nothing (no cluster to tell, or events turned off).</summary>
public sealed class NoArchiveEventSink : IArchiveEventSink
{
    public static readonly NoArchiveEventSink Instance = new();

    public Task RecordArchivedAsync(ArchivedDirectory archived, CancellationToken cancellationToken) => Task.CompletedTask;
}
