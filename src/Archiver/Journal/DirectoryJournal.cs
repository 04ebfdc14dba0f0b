using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Archiver.FileSystem;

namespace Archiver.Journal;

/// <summary>
/// Durable per-directory state under a policy's state directory: one small JSON file per
/// directory in progress (written with temp file + fsync + rename), and <c>history.jsonl</c>, one
/// line per directory deleted. Lives on the data disk, so it survives pod restarts and moves with
/// a volume that is attached to another node.
/// </summary>
public sealed class DirectoryJournal
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter<JournalState>(JsonNamingPolicy.CamelCase) },
        TypeInfoResolver = JournalJson.Default,
    };

    /// <summary>One line of <c>history.jsonl</c>.</summary>
    internal sealed record HistoryLine(string Dir, string Key, long ArchiveSize, string? ArchiveSha256, string Outcome, DateTimeOffset At);

    private readonly string _records;
    private readonly TimeProvider _clock;

    /// <summary>Directories are deleted in parallel: .NET's FileMode.Append seeks to the end when the
    /// file is opened (no O_APPEND), so two closings at once wrote over each other's line.</summary>
    private readonly Lock _history = new();

    public DirectoryJournal(string stateDirectory, TimeProvider clock)
    {
        StateDirectory = stateDirectory;
        _records = Path.Combine(stateDirectory, "journal");
        _clock = clock;
    }

    public string StateDirectory { get; }

    public string SpoolDirectory => Path.Combine(StateDirectory, "spool");

    public JournalRecord? Get(string dir)
    {
        var path = PathOf(dir);
        if (!File.Exists(path)) return null;
        try
        {
            return JsonSerializer.Deserialize<JournalRecord>(File.ReadAllBytes(path), Json);
        }
        catch (JsonException e)
        {
            throw new IOException($"journal record {path} is unreadable ({e.Message}); move it aside to let Archiver start {dir} afresh", e);
        }
    }

    public IEnumerable<JournalRecord> All()
    {
        if (!Directory.Exists(_records)) yield break;
        foreach (var file in Directory.EnumerateFiles(_records, "*.json").Order(StringComparer.Ordinal))
        {
            JournalRecord? r;
            try
            {
                r = JsonSerializer.Deserialize<JournalRecord>(File.ReadAllBytes(file), Json);
            }
            catch (JsonException)
            {
                continue;
            }
            if (r is not null) yield return r;
        }
    }

    /// <summary>Records a directory's first state (<see cref="JournalState.Archiving"/>) durably;
    /// returns it with its update time set. Refused when the directory already has a record.</summary>
    public JournalRecord Begin(JournalRecord record)
    {
        if (Get(record.Dir) is { } existing)
            throw new InvalidOperationException($"journal of {record.Dir}: refused to begin a record over one in state {existing.State}; this is a bug in Archiver, nothing was recorded (report it with the journal record)");
        JournalTransitions.CheckMove(record.Dir, null, record.State);
        return Save(record);
    }

    /// <summary>Records <paramref name="record"/> (its fields as they are now, its state as it was)
    /// durably in state <paramref name="to"/>, if <see cref="JournalTransitions"/> allows the move;
    /// returns it with its state and update time set.</summary>
    public JournalRecord Advance(JournalRecord record, JournalState to)
    {
        JournalTransitions.CheckMove(record.Dir, record.State, to, record.VerifiedAt is not null);
        return Save(record with { State = to });
    }

    /// <summary>The stored copy failed verification: back to <see cref="JournalState.Archiving"/>
    /// with no upload, marked never to be adopted.</summary>
    public JournalRecord Reject(JournalRecord record) =>
        Advance(record with { UploadId = null, Rejected = true }, JournalState.Archiving);

    /// <summary>Closes a directory's record: appends it to history, then removes it.</summary>
    public void Close(JournalRecord record, JournalClosing closing)
    {
        JournalTransitions.CheckClosing(record.Dir, record.State, closing);
        var outcome = HistoryText(closing);
        Directory.CreateDirectory(StateDirectory);
        var history = Path.Combine(StateDirectory, "history.jsonl");
        var line = JournalJsonWriter.HistoryLine(new HistoryLine(record.Dir, record.Key, record.ArchiveSize, record.ArchiveSha256, outcome, _clock.GetUtcNow()));
        lock (_history)
        {
            using var fs = new FileStream(history, FileMode.Append, FileAccess.Write, FileShare.Read);
            fs.Write(line);
            fs.WriteByte((byte)'\n');
            fs.Flush(flushToDisk: true);
        }
        var path = PathOf(record.Dir);
        if (File.Exists(path))
        {
            File.Delete(path);
            Durable.FsyncDirectory(_records);
        }
    }

    /// <summary>The outcome as <c>history.jsonl</c> and the logs spell it.</summary>
    public static string HistoryText(JournalClosing closing) => closing switch
    {
        JournalClosing.Deleted => "deleted",
        JournalClosing.Vanished => "vanished",
        JournalClosing.Superseded => "superseded: modified after it was archived",
        _ => throw new ArgumentOutOfRangeException(nameof(closing), closing, null),
    };

    private JournalRecord Save(JournalRecord record)
    {
        record = record with { UpdatedAt = _clock.GetUtcNow() };
        Durable.WriteAllBytes(PathOf(record.Dir), JournalJsonWriter.Record(record));
        return record;
    }

    /// <summary>Removes what a killed process left half-written: temporary journal files and manifest
    /// spools. Only call while holding the sweep lock (no other writer exists then).</summary>
    public int RemoveLeftovers()
    {
        var removed = 0;
        foreach (var dir in new[] { _records, SpoolDirectory }.Where(Directory.Exists))
        {
            foreach (var file in Directory.EnumerateFiles(dir).Where(f => Path.GetFileName(f).StartsWith('.') || dir == SpoolDirectory).ToList())
            {
                Durable.TryDelete(file);
                removed++;
            }
        }
        return removed;
    }

    /// <summary>Directory names can hold anything; file names here are a readable prefix plus a hash.</summary>
    private string PathOf(string dir)
    {
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(dir)))[..16];
        var readable = new string(dir.Take(48).Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' ? c : '_').ToArray());
        return Path.Combine(_records, $"{readable}.{hash}.json");
    }
}
