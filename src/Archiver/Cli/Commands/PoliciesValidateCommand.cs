using Archiver.Composition;
using Archiver.Policies;
using Archiver.Stores;

namespace Archiver.Cli.Commands;

/// <summary><c>archiver policies validate PATH...</c>: every problem in every file, at once.</summary>
public sealed class PoliciesValidateCommand(TimeProvider clock) : ICommand
{
    public string Name => "policies validate";

    public string Summary => "check policy files and report every problem with file and line";

    public IReadOnlyList<OptionSpec> Options { get; } = [];

    public string Arguments => "PATH...";

    public string Notes => """
        PATH is a policy file or a directory of *.yaml / *.yml files. Prints every problem
        (file:line: what to do) and the next run times. Exit 0 when all are valid, 2 otherwise.
        """;

    public Task<int> RunAsync(IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        var a = new ArgParser(args, Options);
        if (a.Positionals.Count == 0) a.Errors.Add("name at least one policy file or directory");
        a.ThrowIfErrors();

        var files = new List<string>();
        var problems = new List<PolicyProblem>();
        foreach (var path in a.Positionals)
        {
            if (Directory.Exists(path))
                files.AddRange(Directory.EnumerateFiles(path).Where(f => f.EndsWith(".yaml", StringComparison.Ordinal) || f.EndsWith(".yml", StringComparison.Ordinal)).Order(StringComparer.Ordinal));
            else if (File.Exists(path))
                files.Add(path);
            else
                problems.Add(new PolicyProblem(path, 0, "no such file or directory"));
        }
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        var valid = new List<Policy>();
        foreach (var file in files)
        {
            var before = problems.Count(p => !p.IsWarning);
            var policy = PolicyFiles.Load(file, problems);
            if (policy is null) continue;
            if (names.TryGetValue(policy.Name, out var other))
                problems.Add(new PolicyProblem(file, 0, $"policy name '{policy.Name}' is also used by {other}; names must be unique (they name state directories)"));
            else
                names[policy.Name] = file;
            foreach (var running in valid)
                if (PolicyValidator.Overlap(policy, running) is { } overlap) problems.Add(new PolicyProblem(file, 0, overlap));
            if (problems.Count(p => !p.IsWarning) == before) valid.Add(policy);
        }
        foreach (var p in problems) Terminal.Error.WriteLine(p);
        foreach (var p in valid)
        {
            CronSchedule.TryToQuartz(p.Schedule, out var quartz, out _);
            var zone = TimeZoneInfo.FindSystemTimeZoneById(p.TimeZone);
            var next = CronSchedule.NextFireTimes(quartz, zone, clock.GetUtcNow(), 3)
                .Select(t => TimeZoneInfo.ConvertTime(t, zone).ToString("yyyy-MM-dd HH:mm:ss zzz", System.Globalization.CultureInfo.InvariantCulture));
            Terminal.Out.WriteLine($"{p.Source}: ok: policy {p.Name}, root {p.Root}, store {StoreUrl.Redact(p.Store.Url)}, idle {Duration.Format(p.IdleFor)}; next runs ({p.TimeZone}): {string.Join(", ", next)}");
        }
        var errors = problems.Count(p => !p.IsWarning);
        if (errors > 0)
        {
            Terminal.Error.WriteLine($"{errors} problem(s) in {files.Count} file(s); nothing was changed.");
            return Task.FromResult(ExitCodes.Usage);
        }
        return Task.FromResult(ExitCodes.Ok);
    }
}
