namespace Archiver.Cli;

/// <summary>A command's <c>--help</c>, generated from its declared options, so usage lists exactly
/// what the parser accepts.</summary>
public static class UsageText
{
    private const int Width = 100;

    /// <summary>Where help starts; a longer option name puts its help on the next line.</summary>
    private const int MaxColumn = 26;

    public static string For(ICommand command)
    {
        var lines = new List<string>
        {
            $"archiver {command.Name}{(command.Arguments.Length > 0 ? " " + command.Arguments : "")} [options]",
            $"  {command.Summary}",
        };
        var column = Math.Min(MaxColumn, command.Options.Concat(GlobalOptions.All).Max(o => Left(o).Length) + 2);
        if (command.Options.Count > 0)
        {
            lines.Add("\noptions:");
            lines.AddRange(command.Options.SelectMany(o => Row(o, column)));
        }
        lines.Add("\nglobal options:");
        lines.AddRange(GlobalOptions.All.SelectMany(o => Row(o, column)));
        if (command.Notes.Length > 0) lines.Add("\n" + string.Join('\n', command.Notes.TrimEnd().Split('\n').Select(l => l.TrimEnd())));
        return string.Join('\n', lines);
    }

    private static string Left(OptionSpec o) => string.Join(", ", o.Names) + (o.Value.Length > 0 ? " " + o.Value : "");

    private static IEnumerable<string> Row(OptionSpec o, int column)
    {
        var facts = new List<string>();
        if (o.Kind == ValueKind.Choice && o.Value != string.Join('|', o.Choices)) facts.Add($"one of {string.Join(", ", o.Choices)}");
        if (o.Range is not null) facts.Add(o.Range.ToString());
        if (o.Overrides is not null) facts.Add($"policy field {o.Overrides}");
        if (o.Default is not null) facts.Add($"default {o.Default}");
        var help = facts.Count == 0 ? o.Help : $"{o.Help} ({string.Join(", ", facts)})";
        var left = "  " + Left(o);
        var indent = new string(' ', column + 2);
        var text = Wrap(help, Width - indent.Length).ToList();
        if (left.Length + 1 > indent.Length) return [left, .. text.Select(t => indent + t)];
        return text.Select((t, i) => (i == 0 ? left.PadRight(indent.Length) : indent) + t);
    }

    private static IEnumerable<string> Wrap(string text, int width)
    {
        var line = "";
        foreach (var word in text.Split(' '))
        {
            if (line.Length > 0 && line.Length + 1 + word.Length > width)
            {
                yield return line;
                line = word;
            }
            else
                line = line.Length == 0 ? word : line + " " + word;
        }
        yield return line;
    }
}
