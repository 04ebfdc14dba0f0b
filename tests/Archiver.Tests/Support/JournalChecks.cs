using System.Text.Json;

namespace Archiver.Tests.Support;

/// <summary>What a policy's journal must look like once a sweep has deleted its directories.</summary>
public static class JournalChecks
{
    /// <summary>No record is left in progress, and the history closes each of <paramref name="deleted"/>
    /// as gone: <c>deleted</c>, or <c>vanished</c> when a process died after the delete and before
    /// recording it. So the folder checked is the journal the sweep really wrote (a wrong path would
    /// have no history), not a folder that is empty because nothing ever wrote there.</summary>
    public static void Settled(string stateDirectory, IEnumerable<string> deleted, string context)
    {
        var history = Path.Combine(stateDirectory, "history.jsonl");
        Assert.True(File.Exists(history), $"{context}: no {history}: the sweep's journal is elsewhere");
        var lines = File.ReadAllLines(history).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        foreach (var dir in deleted)
        {
            Assert.True(lines.Any(l => l.GetProperty("dir").GetString() == dir && l.GetProperty("outcome").GetString() is "deleted" or "vanished"),
                $"{context}: the history of {stateDirectory} does not record {dir} as deleted");
        }
        var records = Path.Combine(stateDirectory, "journal");
        Assert.True(!Directory.Exists(records) || !Directory.EnumerateFiles(records).Any(), $"{context}: journal records left behind in {records}");
    }
}
