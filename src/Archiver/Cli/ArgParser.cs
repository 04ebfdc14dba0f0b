namespace Archiver.Cli;

/// <summary>
/// A small, strict command-line reader over a command's declared <see cref="OptionSpec"/>s (plus the
/// <see cref="GlobalOptions"/>): <c>--name value</c>, <c>--name=value</c>, boolean <c>--flag</c>, and
/// positionals. Values are checked against their declared kind and range. Every problem is collected,
/// so usage errors are reported together before anything runs.
/// </summary>
public sealed class ArgParser
{
    private readonly Dictionary<string, OptionSpec> _byName = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string> _flags = new(StringComparer.Ordinal);
    private readonly List<(string Name, string Value)> _all = [];

    public ArgParser(IEnumerable<string> args, IReadOnlyList<OptionSpec> options)
    {
        foreach (var option in options.Concat(GlobalOptions.All))
            foreach (var name in option.Names)
                _byName.Add(name, option);
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
            if (!_byName.TryGetValue(name, out var spec))
                Errors.Add(Unknown(name));
            else if (spec.Kind == ValueKind.Flag)
            {
                if (eq > 0) Errors.Add($"{name} takes no value");
                _flags.Add(spec.Name);
            }
            else if (eq > 0)
                Take(spec, a[(eq + 1)..]);
            else if (i + 1 < list.Count && !IsOption(list[i + 1]))
                Take(spec, list[++i]);
            else
                Errors.Add(i + 1 < list.Count
                    ? $"{name} needs a value, but {list[i + 1]} follows it; a value that starts with -- is written {name}=VALUE"
                    : $"{name} needs a value");
        }
    }

    public List<string> Positionals { get; } = [];

    public List<string> Errors { get; } = [];

    /// <summary>The value given, else the option's default, else null.</summary>
    public string? Get(string name) => _values.TryGetValue(name, out var v) ? v : Declared(name).Default;

    /// <summary>Every value given for a repeatable option, in order (<c>--path A --path B</c>).</summary>
    public IReadOnlyList<string> GetAll(string name)
    {
        Declared(name);
        return [.. _all.Where(v => v.Name == name).Select(v => v.Value)];
    }

    public bool Has(string name) => Declared(name).Kind == ValueKind.Flag && _flags.Contains(name);

    /// <summary>The number given (or the default); null when neither, or when it was refused.</summary>
    public int? Int(string name) => Get(name) is { } text && Declared(name).Range!.TryParse(text, out var n) ? n : null;

    /// <summary>The duration given (or the default); null when neither, or when it was refused.</summary>
    public TimeSpan? Duration(string name) => Get(name) is { } text && Primitives.Duration.TryParse(text, out var t, out _) ? t : null;

    /// <summary>Stops the command with every usage error found (exit 2), if there is any.</summary>
    public void ThrowIfErrors()
    {
        if (Errors.Count > 0) throw new UsageException(Errors);
    }

    private void Take(OptionSpec spec, string value)
    {
        if (spec.Problem(value) is { } problem) Errors.Add(problem);
        else
        {
            _values[spec.Name] = value;
            _all.Add((spec.Name, value));
        }
    }

    /// <summary>What follows a value option is taken as its value unless it is an option: anything
    /// starting with <c>--</c>, or a short option such as <c>-v</c>.</summary>
    private bool IsOption(string arg) => arg.StartsWith("--", StringComparison.Ordinal) || _byName.ContainsKey(arg);

    private string Unknown(string name) =>
        Spelling.Closest(name, _byName.Keys) is { } guess
            ? $"unknown option {name}; did you mean {guess}?"
            : $"unknown option {name}; known: {string.Join(", ", _byName.Keys.Order(StringComparer.Ordinal))}";

    private OptionSpec Declared(string name) =>
        _byName.TryGetValue(name, out var spec) ? spec
            : throw new InvalidOperationException($"option {name} is read but not declared in the command's Options");
}
