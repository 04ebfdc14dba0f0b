using Archiver.Archives;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Archiver.Policies;

/// <summary>
/// Reads policy YAML into <see cref="Policy"/>, collecting every problem (with its line) instead
/// of stopping at the first. Unknown fields are errors: a typo must never silently fall back to a
/// default. Cross-field rules live in <see cref="PolicyValidator"/>.
/// </summary>
public static partial class PolicyLoader
{
    public static readonly IReadOnlyDictionary<string, AfterUpload> AfterUploadNames =
        new Dictionary<string, AfterUpload> { ["delete"] = AfterUpload.Delete, ["keep"] = AfterUpload.Keep };
    public static readonly IReadOnlyDictionary<string, VerifyMode> VerifyNames =
        new Dictionary<string, VerifyMode> { ["size"] = VerifyMode.Size, ["full"] = VerifyMode.Full };

    private delegate Policy FieldReader(Policy p, YamlNode value, Problems problems);

    private static readonly Dictionary<string, FieldReader> Fields = new(StringComparer.Ordinal)
    {
        ["name"] = (p, v, e) => p with { Name = e.Scalar(v, "name") ?? p.Name },
        ["root"] = (p, v, e) => p with { Root = e.Scalar(v, "root") ?? p.Root },
        ["layout"] = (p, v, e) => p with { Layout = e.Scalar(v, "layout") ?? p.Layout },
        ["idleFor"] = (p, v, e) => p with { IdleFor = e.Duration(v, "idleFor") ?? p.IdleFor },
        ["schedule"] = (p, v, e) => p with { Schedule = e.Scalar(v, "schedule") ?? p.Schedule },
        ["timeZone"] = (p, v, e) => p with { TimeZone = e.Scalar(v, "timeZone") ?? p.TimeZone },
        ["liveness"] = (p, v, e) => p with { Liveness = e.Liveness(v) ?? p.Liveness },
        ["store"] = (p, v, e) => p with { Store = e.Store(v) ?? p.Store },
        ["key"] = (p, v, e) => p with { Key = e.Scalar(v, "key") ?? p.Key },
        ["cluster"] = (p, v, e) => p with { Cluster = e.Scalar(v, "cluster") ?? p.Cluster },
        ["format"] = (p, v, e) => p with { Format = e.Enum(v, "format", ArchiveFormatNames.ByName) ?? p.Format },
        ["level"] = (p, v, e) => p with { Level = e.Int(v, "level", new IntRange(1, 22)) ?? p.Level },
        ["afterUpload"] = (p, v, e) => p with { AfterUpload = e.Enum(v, "afterUpload", AfterUploadNames) ?? p.AfterUpload },
        ["verify"] = (p, v, e) => p with { Verify = e.Enum(v, "verify", VerifyNames) ?? p.Verify },
        ["concurrency"] = (p, v, e) => p with { Concurrency = e.Int(v, SharedFields.Concurrency.Name, SharedFields.Concurrency.Range) ?? p.Concurrency },
        ["exclude"] = (p, v, e) => p with { Exclude = e.StringList(v, "exclude") ?? p.Exclude },
        ["state"] = (p, v, e) => p with { State = e.Scalar(v, "state") ?? p.State },
        ["allowSystemRoot"] = (p, v, e) => p with { AllowSystemRoot = e.Bool(v, "allowSystemRoot") ?? p.AllowSystemRoot },
        ["jitter"] = (p, v, e) => p with { Jitter = e.Duration(v, "jitter") ?? p.Jitter },
        ["runOnStart"] = (p, v, e) => p with { RunOnStart = e.Bool(v, "runOnStart") ?? p.RunOnStart },
        ["pressure"] = (p, v, e) => p with { Pressure = e.Pressure(v) ?? p.Pressure },
        ["retention"] = (p, v, e) => p with { RemoteFor = e.Retention(v) ?? p.RemoteFor },
        ["keepLocalFor"] = (p, v, e) => p with { KeepLocalFor = e.Duration(v, "keepLocalFor") ?? p.KeepLocalFor },
        ["encryption"] = (p, v, e) => p with { Encryption = e.Encryption(v) ?? p.Encryption },
    };

    /// <summary>Loads one file. Problems (errors and warnings) are added to <paramref name="problems"/>;
    /// the policy is null when the file could not be read as YAML at all.</summary>
    public static Policy? LoadFile(string path, List<PolicyProblem> problems, StoreCheck checkStore)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            problems.Add(new PolicyProblem(path, 0, $"cannot read the policy file: {e.Message}"));
            return null;
        }
        return Load(text, path, problems, checkStore);
    }

    public static Policy? Load(string yaml, string source, List<PolicyProblem> problems, StoreCheck checkStore)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException e)
        {
            problems.Add(new PolicyProblem(source, (int)e.Start.Line, $"not valid YAML: {Unwrap(e)}; check indentation and quoting"));
            return null;
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or FormatException)
        {
            // YamlDotNet throws these for some malformed input (e.g. an unclosed flow sequence).
            problems.Add(new PolicyProblem(source, LastLine(yaml), $"not valid YAML ({e.Message}); look for an unclosed [ or {{ or quote"));
            return null;
        }
        if (stream.Documents.Count != 1 || stream.Documents[0].RootNode is not YamlMappingNode map)
        {
            problems.Add(new PolicyProblem(source, 1, "a policy file holds one YAML mapping (name: ..., root: ..., store: ...)"));
            return null;
        }
        var e2 = new Problems(source, problems);
        var policy = new Policy { Source = source, Name = Path.GetFileNameWithoutExtension(source) };
        foreach (var (k, v) in map.Children)
        {
            var key = (k as YamlScalarNode)?.Value ?? "";
            if (Fields.TryGetValue(key, out var read))
                policy = read(policy, v, e2);
            else
                e2.Add(k, $"unknown field '{key}'{Suggest(key)}; known fields: {string.Join(", ", Fields.Keys.Order(StringComparer.Ordinal))}");
        }
        if (!map.Children.ContainsKey(new YamlScalarNode("key"))) policy = policy with { Key = Policy.DefaultKeyFor(policy.Format) };
        PolicyValidator.Validate(policy, problems, checkStore, line: f => e2.LineOf(map, f));
        return policy;
    }

    private static int LastLine(string yaml) => Math.Max(1, yaml.TrimEnd().Split('\n').Length);

    private static string Unwrap(Exception e) => e.InnerException is { } inner ? $"{e.Message} ({inner.Message})" : e.Message;

    private static string Suggest(string key) =>
        Spelling.Closest(key, Fields.Keys) is { } best ? $" (did you mean '{best}'?)" : "";

    /// <summary>Typed reads of YAML nodes that record a problem (with the node's line) instead of throwing.</summary>
    private sealed partial class Problems(string source, List<PolicyProblem> list)
    {
        public void Add(YamlNode node, string message) => list.Add(new PolicyProblem(source, (int)node.Start.Line, message));

        public int LineOf(YamlMappingNode map, string field) =>
            map.Children.TryGetValue(new YamlScalarNode(field), out var v) ? (int)v.Start.Line : (int)map.Start.Line;

        public string? Scalar(YamlNode v, string field)
        {
            if (v is YamlScalarNode s && s.Value is not null) return s.Value;
            Add(v, $"{field} must be a single value, not a {Kind(v)}");
            return null;
        }

        public TimeSpan? Duration(YamlNode v, string field)
        {
            var s = Scalar(v, field);
            if (s is null) return null;
            if (Primitives.Duration.TryParse(s, out var t, out var err)) return t;
            Add(v, $"{field}: {err}");
            return null;
        }

        public int? Int(YamlNode v, string field, IntRange range)
        {
            var s = Scalar(v, field);
            if (s is null) return null;
            if (range.TryParse(s, out var n)) return n;
            Add(v, range.Problem(field, s));
            return null;
        }

        public bool? Bool(YamlNode v, string field)
        {
            var s = Scalar(v, field);
            if (s is null) return null;
            if (s is "true" or "false") return s == "true";
            Add(v, $"{field}: '{s}' must be true or false");
            return null;
        }

        public T? Enum<T>(YamlNode v, string field, IReadOnlyDictionary<string, T> names) where T : struct
        {
            var s = Scalar(v, field);
            if (s is null) return null;
            if (names.TryGetValue(s, out var value)) return value;
            Add(v, $"{field}: '{s}' is not one of {string.Join(", ", names.Keys)}");
            return null;
        }

        public IReadOnlyList<string>? StringList(YamlNode v, string field)
        {
            if (v is YamlSequenceNode seq)
            {
                var list = new List<string>();
                foreach (var item in seq) if (Scalar(item, field) is { } s) list.Add(s);
                return list;
            }
            Add(v, $"{field} must be a list, e.g. [\"*.tmp\", \"cache/**\"]");
            return null;
        }

        private static string Kind(YamlNode v) => v switch
        {
            YamlMappingNode => "mapping",
            YamlSequenceNode => "list",
            _ => "null",
        };
    }
}
