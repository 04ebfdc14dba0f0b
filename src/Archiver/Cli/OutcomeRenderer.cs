using System.Text.Json;
using System.Text.Json.Serialization;
using Archiver.Pipeline;
using Archiver.Primitives;

namespace Archiver.Cli;

/// <summary>Prints plans and outcomes: a table for people, or one JSON object per directory per
/// line (<c>--json</c>) for scripts.</summary>
public sealed class OutcomeRenderer(TextWriter output, bool json)
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        TypeInfoResolver = CliJson.Default,
    };

    /// <summary>One <c>--json</c> line.</summary>
    internal sealed record OutcomeLine(string Dir, string? Pod, string Decision, string? Reason, string ReasonClass, string? Key, long BytesIn, long BytesOut,
        string? Sha256, bool Deleted, string? Error, string? Stage, double Seconds);

    private readonly object _gate = new();

    public void Plan(SweepPlan plan)
    {
        if (json)
        {
            foreach (var i in plan.Items)
                WriteJson(new DirectoryOutcome { Dir = i.Candidate.Name, Pod = i.Pod?.Display, Decision = i.Decision, Reason = i.Reason, ReasonClass = i.Class, BytesIn = i.Bytes, Error = i.IsFailure ? i.Reason : null });
            return;
        }
        var rows = plan.Items.Select(i => new[] { i.Candidate.Name, i.Pod?.Display ?? "-", Lower(i.Decision), i.Bytes > 0 ? Terminal.Bytes(i.Bytes) : "-", i.Reason }).ToList();
        Table(["DIRECTORY", "POD", "PLAN", "SIZE", "REASON"], rows);
        output.WriteLine($"{plan.ToArchive.Count()} to archive, {plan.Items.Count(i => i.Decision == Decision.Skip)} to skip.");
    }

    /// <summary>With --json, each outcome is printed as soon as it is known.</summary>
    public void Outcome(DirectoryOutcome o)
    {
        if (json) WriteJson(o);
    }

    public void Summary(IReadOnlyList<DirectoryOutcome> outcomes)
    {
        if (json) return;
        var rows = outcomes.OrderBy(o => o.Dir, StringComparer.Ordinal).Select(o => new[]
        {
            o.Dir,
            Lower(o.Decision),
            o.Failed ? "FAILED" : o.Decision == Decision.Skip ? "-" : o.Deleted ? "archived, deleted" : "archived, kept",
            o.BytesIn > 0 ? Terminal.Bytes(o.BytesIn) : "-",
            o.BytesOut > 0 ? Terminal.Bytes(o.BytesOut) : "-",
            o.Error ?? o.Reason,
        }).ToList();
        Table(["DIRECTORY", "DECISION", "RESULT", "IN", "OUT", "REASON"], rows);
        var archived = outcomes.Where(o => o.Decision == Decision.Archive && !o.Failed).ToList();
        foreach (var o in archived) output.WriteLine($"  {o.Dir} -> {o.Key}");
        output.WriteLine(
            $"{outcomes.Count} directories: {archived.Count} archived ({archived.Count(o => o.Deleted)} deleted; {Terminal.Bytes(archived.Sum(o => o.BytesIn))} -> {Terminal.Bytes(archived.Sum(o => o.BytesOut))}), " +
            $"{outcomes.Count(o => o.Decision == Decision.Skip && !o.Failed)} skipped, {outcomes.Count(o => o.Failed)} failed.");
    }

    private void WriteJson(DirectoryOutcome o)
    {
        var line = LineOf(new OutcomeLine(o.Dir, o.Pod, Lower(o.Decision), o.Reason, o.ReasonClass.Label(), o.Key, o.BytesIn, o.BytesOut,
            o.Sha256, o.Deleted, o.Error, o.FailedStage?.Name(), Math.Round(o.Elapsed.TotalSeconds, 3)));
        lock (_gate) output.WriteLine(line);
    }

    /// <summary>The line as <see cref="Json"/> would write it (OutcomeLineTests compares the two),
    /// without the serializer: its metadata for long, bool and double are generic instantiations
    /// ReadyToRun cannot precompile, JIT-compiled in every `sweep --json`.</summary>
    internal static string LineOf(OutcomeLine l) => System.Text.Encoding.UTF8.GetString(SmallJson.Object(w =>
    {
        w.WriteString("dir", l.Dir);
        w.WriteString("pod", l.Pod);
        w.WriteString("decision", l.Decision);
        w.WriteString("reason", l.Reason);
        w.WriteString("reasonClass", l.ReasonClass);
        w.WriteString("key", l.Key);
        w.WriteNumber("bytesIn", l.BytesIn);
        w.WriteNumber("bytesOut", l.BytesOut);
        w.WriteString("sha256", l.Sha256);
        w.WriteBoolean("deleted", l.Deleted);
        w.WriteString("error", l.Error);
        w.WriteString("stage", l.Stage);
        w.WriteNumber("seconds", l.Seconds);
    }, Json.Encoder));

    private void Table(string[] header, List<string[]> rows)
    {
        var widths = header.Select((h, c) => Math.Min(48, Math.Max(h.Length, rows.Count == 0 ? 0 : rows.Max(r => r[c].Length)))).ToArray();
        string Line(string[] cells) => string.Join("  ", cells.Select((v, c) => c == cells.Length - 1 ? v : Fit(v, widths[c]).PadRight(widths[c]))).TrimEnd();
        output.WriteLine(Line(header));
        foreach (var r in rows) output.WriteLine(Line(r));
    }

    private static string Fit(string v, int width) => v.Length <= width ? v : v[..(width - 1)] + "…";

    private static string Lower(Decision d) => d == Decision.Archive ? "archive" : "skip";
}
