using Archiver.Layouts;
using Archiver.Policies;

namespace Archiver.Liveness;

/// <summary>
/// Live pods from a text file, for hosts without Kubernetes and for tests. One pod per line:
/// <c>name</c> or <c>namespace/name</c>, optionally followed by a phase (default <c>Running</c>).
/// Blank lines and <c># comments</c> are ignored. The file is read anew at every snapshot.
/// </summary>
public sealed class StaticLivenessSource(string path) : ILivenessSource
{
    private static readonly string[] Phases = ["Pending", "Running", "Succeeded", "Failed", "Unknown"];

    public string Description => $"static:{path}";

    public Task<LivenessSnapshot> SnapshotAsync(CancellationToken cancellationToken) =>
        Task.FromResult(new LivenessSnapshot(Read()));

    /// <summary>The file read once, whatever the number of pods.</summary>
    public Task<LivenessSnapshot> RecheckAsync(IReadOnlyCollection<PodRef> pods, CancellationToken cancellationToken) =>
        Task.FromResult(new LivenessSnapshot(pods.Count == 0 ? [] : Read()));

    /// <summary>Checks the file; every bad line is reported. Used by configuration loading.</summary>
    public static List<PolicyProblem> Check(string path)
    {
        var problems = new List<PolicyProblem>();
        Parse(path, problems);
        return problems;
    }

    private List<PodState> Read()
    {
        var problems = new List<PolicyProblem>();
        var pods = Parse(path, problems);
        if (problems.Count > 0)
            throw new LivenessUnknownException(string.Join("; ", problems));
        return pods;
    }

    private static List<PodState> Parse(string path, List<PolicyProblem> problems)
    {
        var pods = new List<PodState>();
        string[] lines;
        try
        {
            lines = File.ReadAllLines(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            problems.Add(new PolicyProblem(path, 0, $"cannot read the live-pods file: {e.Message}"));
            return pods;
        }
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            var hash = line.IndexOf('#');
            if (hash >= 0) line = line[..hash];
            var parts = line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 0) continue;
            var phase = parts.Length > 1 ? parts[1] : "Running";
            var slash = parts[0].IndexOf('/');
            if (parts.Length > 2 || !Phases.Contains(phase) || parts[0].Count(c => c == '/') > 1 || slash == 0 || slash == parts[0].Length - 1)
            {
                problems.Add(new PolicyProblem(path, i + 1, $"'{lines[i].Trim()}' is not 'name' or 'namespace/name' followed by an optional phase ({string.Join(", ", Phases)})"));
                continue;
            }
            pods.Add(slash < 0 ? new PodState(null, parts[0], phase) : new PodState(parts[0][..slash], parts[0][(slash + 1)..], phase));
        }
        return pods;
    }
}
