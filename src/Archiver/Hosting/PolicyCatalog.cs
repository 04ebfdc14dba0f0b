using System.Security.Cryptography;
using Archiver.Composition;
using Archiver.Policies;
using Serilog;

namespace Archiver.Hosting;

/// <summary>
/// The policies of one directory, reloaded on demand. A file whose new content is invalid keeps
/// its last valid version running; its problems are logged and counted. A file that disappears
/// takes its policy with it.
/// </summary>
public sealed class PolicyCatalog(string directory, string? stateBase)
{
    private static readonly ILogger Log = Serilog.Log.ForContext<PolicyCatalog>();
    private readonly Dictionary<string, LoadedPolicy> _byFile = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _seen = new(StringComparer.Ordinal);
    private IReadOnlyList<PolicyProblem> _problems = [];

    public string Directory { get; } = directory;

    /// <summary>Current valid policies, one per name.</summary>
    public IReadOnlyList<LoadedPolicy> Policies { get; private set; } = [];

    /// <summary>Errors of the last reload (files that are not running their newest content).</summary>
    public IReadOnlyList<PolicyProblem> Problems => _problems;

    /// <summary>Files whose newest content is invalid.</summary>
    public IReadOnlySet<string> InvalidFiles { get; private set; } = new HashSet<string>();

    /// <summary>Re-reads the directory; returns true when the set of running policies changed.</summary>
    public bool Reload()
    {
        var files = System.IO.Directory.Exists(Directory)
            ? System.IO.Directory.EnumerateFiles(Directory)
                .Where(f => !Path.GetFileName(f).StartsWith('.'))
                .Where(f => f.EndsWith(".yaml", StringComparison.Ordinal) || f.EndsWith(".yml", StringComparison.Ordinal))
                .Order(StringComparer.Ordinal).ToList()
            : [];
        var problems = new List<PolicyProblem>();
        var invalid = new HashSet<string>(StringComparer.Ordinal);
        var changed = false;
        foreach (var gone in _byFile.Keys.Except(files).ToList())
        {
            Log.Information("Policy file {File} removed; policy {Policy} stops", gone, _byFile[gone].Name);
            _byFile.Remove(gone);
            changed = true;
        }
        foreach (var gone in _seen.Keys.Except(files).ToList()) _seen.Remove(gone);
        if (!System.IO.Directory.Exists(Directory))
            problems.Add(new PolicyProblem(Directory, 0, "policy directory does not exist; mount the policies ConfigMap there or fix --policies"));

        foreach (var file in files)
        {
            string hash;
            try
            {
                hash = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(file)));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                problems.Add(new PolicyProblem(file, 0, $"cannot read: {e.Message}"));
                invalid.Add(file);
                continue;
            }
            var unchanged = _seen.TryGetValue(file, out var seenHash) && seenHash == hash;
            if (unchanged && _byFile.TryGetValue(file, out var current) && current.ContentHash == hash) continue;
            if (unchanged && InvalidFiles.Contains(file))
            {
                problems.AddRange(_problems.Where(p => p.Source == file));
                invalid.Add(file);
                continue;
            }
            _seen[file] = hash;
            var fileProblems = new List<PolicyProblem>();
            var loaded = Load(file, hash, fileProblems);
            foreach (var w in fileProblems.Where(p => p.IsWarning)) Log.Warning("Policy {File}: {Problem}", file, w.ToString());
            if (loaded is null)
            {
                invalid.Add(file);
                problems.AddRange(fileProblems.Where(p => !p.IsWarning));
                var keeps = _byFile.TryGetValue(file, out var old) ? $"policy {old.Name} keeps running its previous version" : "it is not running";
                foreach (var p in fileProblems.Where(p => !p.IsWarning))
                    Log.Error("Invalid policy {File}: {Problem}; {Keeps}", file, p.ToString(), keeps);
                continue;
            }
            var clash = _byFile.FirstOrDefault(kv => kv.Key != file && kv.Value.Name == loaded.Name).Key;
            var overlap = _byFile.Where(kv => kv.Key != file).Select(kv => PolicyValidator.Overlap(loaded.Policy, kv.Value.Policy)).FirstOrDefault(o => o is not null);
            if (clash is not null || overlap is not null)
            {
                var p = new PolicyProblem(file, 0, clash is not null ? $"policy name '{loaded.Name}' is also used by {clash}; names must be unique (they name state directories)" : overlap!);
                problems.Add(p);
                invalid.Add(file);
                Log.Error("Invalid policy {File}: {Problem}", file, p.ToString());
                continue;
            }
            Log.Information("Loaded policy {Policy} from {File}: schedule {Schedule} ({TimeZone}), root {Root}", loaded.Name, file, loaded.Policy.Schedule, loaded.Policy.TimeZone, loaded.Policy.Root);
            _byFile[file] = loaded;
            changed = true;
        }
        _problems = problems;
        InvalidFiles = invalid;
        Policies = _byFile.Values.OrderBy(p => p.Name, StringComparer.Ordinal).ToList();
        return changed;
    }

    private LoadedPolicy? Load(string file, string hash, List<PolicyProblem> problems)
    {
        var policy = PolicyFiles.Load(file, problems);
        if (policy is null || problems.Any(p => !p.IsWarning)) return null;
        if (stateBase is not null && policy.State.Length == 0)
            policy = policy with { State = Path.Combine(Path.GetFullPath(stateBase), policy.Name) };
        CronSchedule.TryToQuartz(policy.Schedule, out var quartz, out _);
        return new LoadedPolicy(policy, quartz, TimeZoneInfo.FindSystemTimeZoneById(policy.TimeZone), hash);
    }
}
