using System.Text.RegularExpressions;
using Archiver.Archives;
using Archiver.Layouts;

namespace Archiver.Policies;

/// <summary>Rules that span fields, applied to a policy from a file and again after command-line
/// flags override it, so both paths give the same messages.</summary>
public static partial class PolicyValidator
{
    [GeneratedRegex(@"^[a-z0-9]([a-z0-9._-]{0,62})$", RegexOptions.CultureInvariant)]
    private static partial Regex PolicyName();

    public static void Validate(Policy p, List<PolicyProblem> problems, StoreCheck checkStore, Func<string, int>? line = null)
    {
        void Error(string field, string message) => problems.Add(new PolicyProblem(p.Source, line?.Invoke(field) ?? 0, message));
        void Warn(string field, string message) => problems.Add(new PolicyProblem(p.Source, line?.Invoke(field) ?? 0, message, IsWarning: true));

        if (!PolicyName().IsMatch(p.Name))
            Error("name", $"name '{p.Name}' must be 1-63 lowercase letters, digits, '.', '_' or '-' (it names the state directory)");

        if (string.IsNullOrWhiteSpace(p.Root))
            Error("root", "root is missing: set it to the directory whose children are pod directories, e.g. root: /data");
        else if (!Path.IsPathFullyQualified(p.Root))
            Error("root", $"root '{p.Root}' must be an absolute path, e.g. /data");
        else
        {
            if (SystemRoots.WhyDangerous(p.Root) is { } why && !p.AllowSystemRoot)
                Error("root", $"{why}; Archiver deletes what it archives, so point root at the pods' data directory (e.g. /data), or set allowSystemRoot: true if you really mean it");
            if (!Directory.Exists(p.Root))
                Warn("root", $"root {p.Root} does not exist on this machine; a sweep here would stop with an error");
        }

        if (string.IsNullOrWhiteSpace(p.Store.Url))
            Error("store", "store is missing: set it to where archives go, e.g. store: s3://bucket/prefix or store: file:///var/archive");
        else
            foreach (var err in checkStore(p.Store)) Error("store", err);

        if (!PodLayout.TryParse(p.Layout, out var layout, out var layoutError))
            Error("layout", layoutError!);

        var layoutFields = layout is null ? [] : layout.FieldNames;
        if (!KeyTemplate.TryParse(p.Key, layoutFields, p.Extension, out _, out var keyErrors))
            foreach (var err in keyErrors) Error("key", err);

        if (!CronSchedule.TryToQuartz(p.Schedule, out _, out var cronError))
            Error("schedule", $"schedule: {cronError}");

        try
        {
            TimeZoneInfo.FindSystemTimeZoneById(p.TimeZone);
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            Error("timeZone", $"timeZone '{p.TimeZone}' is not a known IANA time zone, e.g. UTC or Asia/Shanghai");
        }

        if (p.Level is { } level)
        {
            var max = p.Format == ArchiveFormat.TarZst ? 22 : 9;
            if (level < 1 || level > max)
                Error("level", $"level {level} is out of range for {p.Format.Name()}: use 1-{max}");
        }

        foreach (var glob in p.Exclude)
        {
            if (glob.Length == 0 || glob.StartsWith('/') || glob.Split('/').Contains(".."))
                Error("exclude", $"exclude pattern '{glob}' must be a relative glob inside a pod directory, e.g. '*.tmp' or 'cache/**'");
        }

        if (p.Pressure is { } pressure && pressure.Low >= pressure.High)
            Error("pressure", $"pressure.low ({pressure.Low}%) must be below pressure.high ({pressure.High}%), e.g. high: 85%, low: 75%");
        if (p.Jitter > TimeSpan.FromHours(1))
            Error("jitter", $"jitter {Duration.Format(p.Jitter)} is longer than 1h; a run that starts that late overlaps the next one");
        if (p.RemoteFor is { } remote && remote < TimeSpan.FromDays(1))
            Error("retention", $"retention.remoteFor {Duration.Format(remote)} is under 1d; archives would be deleted almost as soon as they are written. Use e.g. remoteFor: 180d");
        CheckObjectLock(p, Error, Warn);
        if (p.KeepLocalFor is { } keepLocal)
        {
            if (p.AfterUpload != AfterUpload.Keep)
                Warn("keepLocalFor", "keepLocalFor only applies with afterUpload: keep (otherwise directories are deleted right after upload)");
            if (p.RemoteFor is { } r && keepLocal >= r)
                Warn("keepLocalFor", $"keepLocalFor {Duration.Format(keepLocal)} is not shorter than retention.remoteFor {Duration.Format(r)}; the archive may be pruned while the local copy is kept");
        }

        if (p.Encryption?.RecipientsFile is { } recipientsFile && !File.Exists(recipientsFile))
            Warn("encryption", $"age recipients file {recipientsFile} does not exist on this machine; a sweep here would stop with an error");

        if (p.Liveness.Source == "static" && p.Liveness.File is { } f && !File.Exists(f))
            Warn("liveness", $"static liveness file {f} does not exist on this machine; a sweep here would stop with an error");
    }

    /// <summary>
    /// The store's <c>objectLockFor</c> against <c>retention.remoteFor</c>. The lock is there so nothing
    /// (a leaked key, ransomware, a mistaken prune) can delete an archive during the time the policy
    /// promises to keep it, which is remoteFor: a shorter lock leaves the last part of that time
    /// unprotected at no saving, so it is refused. A longer lock is allowed, but prune cannot delete an
    /// archive before its lock ends, so archives stay (and are billed) until then: a warning.
    /// </summary>
    private static void CheckObjectLock(Policy p, Action<string, string> error, Action<string, string> warn)
    {
        if (p.RemoteFor is not { } remote || p.Store.Option("objectLockFor") is not { } text) return;
        if (!Duration.TryParse(text, out var lockFor, out _)) return;
        if (lockFor < remote)
            error("retention", $"store objectLockFor {Duration.Format(lockFor)} is shorter than retention.remoteFor {Duration.Format(remote)}: archives would be unprotected for their last {Duration.Format(remote - lockFor)}; set objectLockFor to at least {Duration.Format(remote)}");
        else if (lockFor > remote + TimeSpan.FromDays(1))
            warn("retention", $"store objectLockFor {Duration.Format(lockFor)} is longer than retention.remoteFor {Duration.Format(remote)}: prune cannot delete an archive before its lock ends, so archives stay (and are billed) for {Duration.Format(lockFor)}, counted as kept by object lock");
    }

    /// <summary>Why two policies may not run side by side, or null. Equal or nested roots are refused:
    /// a root inside another policy's root looks like a dead pod's directory to that policy, and two
    /// policies on one root would archive the same directories twice.</summary>
    public static string? Overlap(Policy a, Policy b)
    {
        if (a.Root.Length == 0 || b.Root.Length == 0) return null;
        var ra = Path.GetFullPath(a.Root).TrimEnd('/') + "/";
        var rb = Path.GetFullPath(b.Root).TrimEnd('/') + "/";
        if (ra == rb) return $"root {a.Root} is also the root of policy {b.Name} ({b.Source}); two policies on one root would archive the same directories";
        if (ra.StartsWith(rb, StringComparison.Ordinal)) return $"root {a.Root} is inside the root {b.Root} of policy {b.Name} ({b.Source}), which would treat it as a pod directory; give each policy its own root";
        if (rb.StartsWith(ra, StringComparison.Ordinal)) return $"root {a.Root} contains the root {b.Root} of policy {b.Name} ({b.Source}), and would treat it as a pod directory; give each policy its own root";
        return null;
    }

    /// <summary>Throws <see cref="ConfigurationException"/> when any problem is an error.</summary>
    public static void ThrowIfErrors(IReadOnlyList<PolicyProblem> problems)
    {
        if (problems.Any(x => !x.IsWarning)) throw new ConfigurationException(problems.Where(x => !x.IsWarning).ToList());
    }
}
