using Archiver.Policies;

namespace Archiver.Cli;

/// <summary>
/// One command-line option, declared once: <see cref="ArgParser"/> accepts and checks it, and
/// <see cref="UsageText"/> lists it. A command's options are its <see cref="ICommand.Options"/>
/// plus <see cref="GlobalOptions.All"/>; nothing else is accepted.
/// </summary>
public sealed record OptionSpec(string Name, ValueKind Kind, string Help)
{
    /// <summary>How usage shows the value: DIR, URL, DUR, N, a|b; empty for a flag.</summary>
    public string Value { get; init; } = "";

    public IReadOnlyList<string> Aliases { get; init; } = [];

    /// <summary>The value (as typed) used when the option is not given; shown in usage.</summary>
    public string? Default { get; init; }

    /// <summary>For <see cref="ValueKind.Int"/>: the numbers accepted.</summary>
    public IntRange? Range { get; init; }

    /// <summary>For <see cref="ValueKind.Choice"/>: the values accepted.</summary>
    public IReadOnlyList<string> Choices { get; init; } = [];

    public bool IgnoreCase { get; init; }

    /// <summary>The policy field this flag overrides; without the flag the policy's value (or the
    /// field's default) stands, so the flag itself has no <see cref="Default"/>.</summary>
    public string? Overrides { get; init; }

    public IEnumerable<string> Names => [Name, .. Aliases];

    public static OptionSpec Flag(string name, string help) => new(name, ValueKind.Flag, help);

    public static OptionSpec Text(string name, string value, string help, string? @default = null) =>
        new(name, ValueKind.Text, help) { Value = value, Default = @default };

    public static OptionSpec Duration(string name, string help, string? @default = null) =>
        new(name, ValueKind.Duration, help) { Value = "DUR", Default = @default };

    public static OptionSpec Int(string name, string help, IntRange range, int? @default = null) =>
        new(name, ValueKind.Int, help) { Value = "N", Range = range, Default = @default?.ToString(System.Globalization.CultureInfo.InvariantCulture) };

    public static OptionSpec Choice(string name, string help, IEnumerable<string> choices, string? @default = null)
    {
        var list = choices.ToList();
        return new(name, ValueKind.Choice, help) { Value = string.Join('|', list), Choices = list, Default = @default };
    }

    /// <summary>A flag for policy field <paramref name="field"/>: same range, and its default is the field's.</summary>
    public static OptionSpec Overriding(string name, string help, IntField field) =>
        Int(name, help, field.Range) with { Overrides = $"{field.Name}, default {field.Default}" };

    /// <summary>What is wrong with <paramref name="value"/> given for this option; null when it is fine.</summary>
    public string? Problem(string value)
    {
        switch (Kind)
        {
            case ValueKind.Int when !Range!.TryParse(value, out _):
                return Range.Problem(Name, value);
            case ValueKind.Duration when !Primitives.Duration.TryParse(value, out _, out var error):
                return $"{Name}: {error}";
            case ValueKind.Choice when !Choices.Contains(value, IgnoreCase ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal):
                return $"{Name}: '{value}' is not one of {string.Join(", ", Choices)}";
            default:
                return null;
        }
    }
}
