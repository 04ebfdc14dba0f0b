using Archiver.Journal;
using Archiver.Liveness;
using Archiver.Policies;
using Serilog;

namespace Archiver.Pipeline;

/// <summary>
/// Stages 2-4: identify each candidate's pod, classify it against one liveness snapshot and its
/// idle time, and produce ordered decisions with reasons a person can read. Fails closed: when
/// liveness is unknown nothing is archived.
/// </summary>
public static class Planner
{
    private static readonly ILogger Log = Serilog.Log.ForContext(typeof(Planner));
    private const string OlderIncarnationNote = "older incarnation of live pod";

    /// <param name="force">Archive even a live pod's or a recently written directory (the manual
    /// <c>archive --force</c>); never crosses file systems or follows a symlink.</param>
    public static async Task<SweepPlan> PlanAsync(SweepContext ctx, IReadOnlyList<Candidate> candidates, bool force, CancellationToken cancellationToken)
    {
        var rootDevice = Discovery.RootDevice(ctx.Policy.Root);
        LivenessSnapshot? snapshot = null;
        string? livenessError = null;
        try
        {
            snapshot = await ctx.Liveness.SnapshotAsync(cancellationToken);
        }
        catch (Exception e) when (e is LivenessUnknownException or TimeoutException or HttpRequestException or IOException)
        {
            livenessError = e.Message;
            Log.Error("Liveness unknown from {Source}: {Reason}; nothing will be archived this sweep", ctx.Liveness.Description, e.Message);
        }

        var identified = candidates.Select(c => (Candidate: c, Pod: c.Status.IsDirectory ? ctx.Layout.Identify(c.Name) : null)).ToList();
        // Incarnations: web-0, web-0-1700000000, ... of one pod; the newest is the live pod's current one.
        var groups = identified.Where(x => x.Pod is not null)
            .GroupBy(x => (x.Pod!.Namespace, x.Pod.BaseName))
            .ToDictionary(g => g.Key, g => g.Max(x => x.Pod!.Incarnation));
        var groupSizes = identified.Where(x => x.Pod is not null)
            .GroupBy(x => (x.Pod!.Namespace, x.Pod.BaseName)).ToDictionary(g => g.Key, g => g.Count());

        var now = ctx.Clock.GetUtcNow();
        var items = new List<PlannedDirectory>();
        foreach (var (c, pod) in identified)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!c.Status.IsDirectory)
            {
                items.Add(new PlannedDirectory(c, null, Decision.Skip, $"not a directory ({c.Status.Type.ToString().ToLowerInvariant()}); never followed", ReasonClass.NotDirectory));
                continue;
            }
            if (c.Status.Device != rootDevice || c.Status.IsMountRoot)
            {
                items.Add(new PlannedDirectory(c, pod, Decision.Skip, "mount point or another file system; not crossed", ReasonClass.OtherFileSystem));
                continue;
            }
            if (pod is null && !force)
            {
                items.Add(new PlannedDirectory(c, null, Decision.Skip, $"name does not match layout '{ctx.Layout.Text}'", ReasonClass.Layout));
                continue;
            }
            var record = ctx.Journal.Get(c.Name);
            if (record is { State: JournalState.Kept })
            {
                items.Add(new PlannedDirectory(c, pod, Decision.Skip, $"archived to {record.Key}; kept on disk (afterUpload: keep)", ReasonClass.Kept));
                continue;
            }

            string? protectedBy = null, note = null;
            if (livenessError is not null)
            {
                protectedBy = $"liveness unknown: {livenessError}";
            }
            else if (pod is not null)
            {
                (protectedBy, note) = Classify(snapshot!, pod, ctx.Layout.HasNamespace,
                    groupSizes[(pod.Namespace, pod.BaseName)], groups[(pod.Namespace, pod.BaseName)]);
            }
            if (protectedBy is not null && !force)
            {
                var cls = livenessError is not null ? ReasonClass.LivenessUnknown : ReasonClass.Live;
                items.Add(new PlannedDirectory(c, pod, Decision.Skip, protectedBy, cls));
                continue;
            }

            TreeSummary summary;
            try
            {
                summary = TreeSummary.Scan(c.FullPath);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                items.Add(new PlannedDirectory(c, pod, Decision.Skip, $"cannot scan: {e.Message}", ReasonClass.ScanFailed));
                continue;
            }
            var idle = now - summary.NewestChange;
            // A delete that a crash interrupted changed the tree itself; its archive is verified.
            var deleting = record is { State: JournalState.Deleting };
            if (idle < -TimeSpan.FromMinutes(1) && !force && !deleting)
            {
                items.Add(new PlannedDirectory(c, pod, Decision.Skip, $"has a modification time in the future ({summary.NewestChange:yyyy-MM-dd HH:mm}Z); it counts as written now until then: check the node's clock, or use archive --force", ReasonClass.Recent)
                    { NewestChange = summary.NewestChange, Bytes = summary.Bytes });
                continue;
            }
            if (idle < ctx.Policy.IdleFor && !force && !deleting)
            {
                items.Add(new PlannedDirectory(c, pod, Decision.Skip, $"modified {Duration.Format(idle)} ago (idleFor {Duration.Format(ctx.Policy.IdleFor)})", ReasonClass.Recent)
                    { NewestChange = summary.NewestChange, Bytes = summary.Bytes });
                continue;
            }

            string reason;
            ReasonClass reasonClass;
            if (record is not null)
                (reason, reasonClass) = ($"resume: {record.State.ToString().ToLowerInvariant()} {record.Key}", ReasonClass.Resume);
            else if (force && (protectedBy is not null || idle < ctx.Policy.IdleFor || pod is null))
                (reason, reasonClass) = ($"forced ({protectedBy ?? (pod is null ? "name does not match layout" : $"modified {Duration.Format(idle)} ago")})", ReasonClass.Forced);
            else
                (reason, reasonClass) = ($"{note ?? "pod gone"}, idle {Duration.Format(idle)}", ReasonClass.Eligible);
            items.Add(new PlannedDirectory(c, pod, Decision.Archive, reason, reasonClass)
            {
                NewestChange = summary.NewestChange,
                Bytes = summary.Bytes,
                OlderIncarnation = note?.StartsWith(OlderIncarnationNote, StringComparison.Ordinal) == true,
            });
        }
        return new SweepPlan(items, livenessError);
    }

    /// <summary>Returns (why it is protected, or null; a note for the archive reason).</summary>
    private static (string? Protected, string? Note) Classify(LivenessSnapshot snapshot, Layouts.PodRef pod, bool layoutHasNamespace, int groupSize, long newestIncarnation)
    {
        var ambiguity = "";
        if (!layoutHasNamespace)
        {
            var namespaces = snapshot.Find(null, pod.BaseName).Select(p => p.Namespace).Distinct().Count();
            if (namespaces > 1) ambiguity = $" (name only: pods named {pod.BaseName} exist in {namespaces} namespaces)";
        }
        var exact = snapshot.Find(pod.Namespace, pod.Name).FirstOrDefault(p => !p.IsTerminal);
        var basePod = snapshot.Find(pod.Namespace, pod.BaseName).FirstOrDefault(p => !p.IsTerminal);
        if (groupSize > 1 && basePod is not null)
        {
            return pod.Incarnation == newestIncarnation
                ? ($"newest incarnation of live pod {basePod.Display} ({basePod.Phase}){ambiguity}", null)
                : (null, $"{OlderIncarnationNote} {basePod.Display}");
        }
        if (exact is not null) return ($"pod {exact.Display} is {exact.Phase}{ambiguity}", null);
        if (basePod is not null && pod.Incarnation != 0) return ($"pod {basePod.Display} is {basePod.Phase}{ambiguity}", null);
        var terminal = snapshot.Find(pod.Namespace, pod.Name).FirstOrDefault();
        return (null, terminal is not null ? $"pod {terminal.Display} {terminal.Phase}{ambiguity}" : $"pod gone{ambiguity}");
    }
}
