using System.Text.Json;
using Archiver.Journal;
using Archiver.Tests.Support;

namespace Archiver.Tests.Journal;

public class JournalHistoryTests
{
    /// <summary>A sweep deletes `concurrency` directories at once and each closing appends a line:
    /// none may be lost or torn (FileMode.Append seeks to the end at open, it is not O_APPEND).</summary>
    [Fact]
    public void Close_ManyDirectoriesAtOnce_EveryOneIsALineOfItsOwnInTheHistory()
    {
        using var tmp = new TempDir("journal");
        var journal = new DirectoryJournal(tmp.Sub("state"), TimeProvider.System);
        var dirs = Enumerable.Range(0, 200).Select(i => $"web-{i}").ToList();
        var records = dirs.Select(d => journal.Advance(journal.Advance(journal.Advance(
            journal.Begin(new JournalRecord { Dir = d, Key = $"{d}.tar.gz" }), JournalState.Uploaded), JournalState.Verified), JournalState.Deleting)).ToList();

        Parallel.ForEach(records, new ParallelOptions { MaxDegreeOfParallelism = 8 }, r => journal.Close(r, JournalClosing.Deleted));

        var lines = File.ReadAllLines(Path.Combine(tmp["state"], "history.jsonl"));
        Assert.Equal(dirs.Order(StringComparer.Ordinal), lines.Select(l => JsonDocument.Parse(l).RootElement.GetProperty("dir").GetString()!).Order(StringComparer.Ordinal));
        Assert.Empty(journal.All());
    }
}
