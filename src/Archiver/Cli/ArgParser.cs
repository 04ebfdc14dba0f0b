namespace Archiver.Cli;

/// <summary>
/// A small, strict command-line reader: <c>--name value</c>, <c>--name=value</c>, boolean
/// <c>--flag</c>, and positionals. Every problem is collected, so usage errors are reported
/// together before anything runs.
/// </summary>
public sealed class ArgParser
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string> _flags = new(StringComparer.Ordinal);
    private readonly List<(string Name, string Value)> _all = [];

    public ArgParser(IEnumerable<string> args, IEnumerable<string> valueOptions, IEnumerable<string> flagOptions)
    {
        var values = valueOptions.ToHashSet(StringComparer.Ordinal);
        var flags = flagOptions.ToHashSet(StringComparer.Ordinal);
        var list = args.ToList();
        for (var i = 0; i < list.Count; i++)
        {
            var a = list[i];
            if (a == "--")
            {
                Positionals.AddRange(list.Skip(i + 1));
                break;
            }
            if (!a.StartsWith('-') || a == "-")
            {
                Positionals.Add(a);
                continue;
            }
            var eq = a.IndexOf('=');
            var name = eq > 0 ? a[..eq] : a;
            if (flags.Contains(name))
            {
                if (eq > 0) Errors.Add($"{name} takes no value");
                _flags.Add(name);
            }
            else if (values.Contains(name))
            {
                if (eq > 0) _values[name] = a[(eq + 1)..];
                else if (i + 1 < list.Count) _values[name] = list[++i];
                else Errors.Add($"{name} needs a value");
                if (_values.TryGetValue(name, out var given)) _all.Add((name, given));
            }
            else
            {
                Errors.Add($"unknown option {name}; known: {string.Join(", ", values.Concat(flags).Order(StringComparer.Ordinal))}");
            }
        }
    }

    public List<string> Positionals { get; } = [];

    public List<string> Errors { get; } = [];

    public string? Get(string name) => _values.GetValueOrDefault(name);

    /// <summary>Every value of an option that may be repeated (<c>--path A --path B</c>), in order.</summary>
    public List<string> GetAll(string name) => _all.Where(v => v.Name == name).Select(v => v.Value).ToList();

    public bool Has(string name) => _flags.Contains(name);
}

/// <summary>A usage error: wrong flags or arguments. Exit code 2, nothing touched.</summary>
public sealed class UsageException(IReadOnlyList<string> problems, string usage)
    : Exception(string.Join(Environment.NewLine, problems))
{
    public IReadOnlyList<string> Problems { get; } = problems;

    public string Usage { get; } = usage;
}
