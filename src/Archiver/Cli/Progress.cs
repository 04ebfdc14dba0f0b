using Archiver.Pipeline;

namespace Archiver.Cli;

/// <summary>A one-line progress indicator on stderr while a sweep runs, only when a person is
/// watching a terminal (never in --json mode or when output is redirected).</summary>
public sealed class Progress(int total, bool enabled)
{
    private int _done;
    private long _bytes;

    public void Report(DirectoryOutcome o)
    {
        if (!enabled || o.Decision != Decision.Archive) return;
        var done = Interlocked.Increment(ref _done);
        var bytes = Interlocked.Add(ref _bytes, o.BytesIn);
        lock (this)
        {
            Terminal.Error.Write($"\r  archived {done}/{total} directories, {Terminal.Bytes(bytes)} read; last: {o.Dir}".PadRight(79)[..79]);
            if (done == total) Terminal.Error.WriteLine();
        }
    }
}
