using Archiver.Archives;
using Archiver.Encryption;
using Archiver.Journal;
using Archiver.Layouts;
using Archiver.Liveness;
using Archiver.Policies;
using Archiver.Stores;

namespace Archiver.Pipeline;

/// <summary>Everything one sweep of one policy works with. Built once by the command (or the
/// daemon job); stages take what they need from it.</summary>
public sealed record SweepContext(
    Policy Policy,
    PodLayout Layout,
    KeyTemplate KeyTemplate,
    IArchiveStore Store,
    ILivenessSource Liveness,
    DirectoryJournal Journal,
    TimeProvider Clock,
    string NodeName)
{
    /// <summary>Per-directory lock (a Lease on shared volumes); no-op for hostPath.</summary>
    public IDirectoryLock DirectoryLock { get; init; } = NoDirectoryLock.Instance;

    /// <summary>Where "archived" events go (Kubernetes Events); failures there never fail an archive.</summary>
    public IArchiveEventSink Events { get; init; } = NoArchiveEventSink.Instance;

    /// <summary>age recipients when the policy encrypts (<c>encryption.age</c>); null writes plain archives.</summary>
    public IReadOnlyList<AgeRecipient>? Recipients { get; init; }

    /// <summary>Told, as a directory is archived, how many more bytes of its tar stream (file contents
    /// plus headers) were compressed: for a progress line. Called often, from the compressing thread;
    /// null when nobody watches.</summary>
    public Action<string, long>? BytesArchived { get; init; }

    /// <summary>How many archives this sweep writes at once: <c>concurrency</c>, or fewer when it has
    /// fewer directories (a lone directory, disk-pressure relief one at a time), whose archives then
    /// get the cores the others would have had (<see cref="Sweep.WritersAtOnce"/>).</summary>
    public int WritersAtOnce { get; init; } = Policy.Concurrency;

    /// <summary>Compression threads for each archive (<see cref="Compression.WorkersFor"/>).</summary>
    public int CompressionWorkers => Compression.WorkersFor(WritersAtOnce, Environment.ProcessorCount);

    public VerifyMode VerifyMode => Policy.Verify ?? (Store.IsLocal ? VerifyMode.Full : VerifyMode.Size);
}
