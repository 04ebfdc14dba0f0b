using System.Globalization;

namespace Archiver.Primitives;

/// <summary>The whole numbers a setting accepts, with the one message every reader of the setting
/// (policy field or command-line flag) prints for a value outside it.</summary>
public sealed record IntRange(int Min, int Max)
{
    public bool TryParse(string text, out int value) =>
        int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out value) && value >= Min && value <= Max;

    /// <summary>What is wrong with <paramref name="text"/> given for <paramref name="name"/> (a field or a flag).</summary>
    public string Problem(string name, string text) => $"{name}: '{text}' must be a whole number from {Min} to {Max}";

    public override string ToString() => $"{Min}-{Max}";
}
