namespace Archiver.Policies;

/// <summary>A whole-number policy field that a command-line flag can also set: its name, range and
/// default, defined once for <see cref="PolicyLoader"/> and the CLI's option table.</summary>
public sealed record IntField(string Name, IntRange Range, int Default);
