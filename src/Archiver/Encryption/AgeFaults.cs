namespace Archiver.Encryption;

/// <summary>
/// An age file that cannot be read is an <see cref="InvalidDataException"/> (what every reader of
/// stored objects already catches) carrying its <see cref="AgeFault"/>: which part failed, or
/// that the file uses a feature Archiver does not implement. A wrong key is
/// <see cref="AgeIdentityMismatchException"/> instead.
/// </summary>
public static class AgeFaults
{
    private const string Key = "Archiver.AgeFault";

    public static InvalidDataException Create(AgeFault fault, string message)
    {
        var e = new InvalidDataException(message);
        e.Data[Key] = fault;
        return e;
    }

    /// <summary>A malformed header (<see cref="AgeFault.Header"/>).</summary>
    public static InvalidDataException Header(string message) => Create(AgeFault.Header, message);

    /// <summary>The fault an age reader attached to <paramref name="exception"/>; null for any other exception.</summary>
    public static AgeFault? Of(Exception exception) => exception.Data[Key] as AgeFault?;
}
