namespace Archiver.Encryption;

/// <summary>One recipient stanza of an age header: <c>-&gt; TYPE ARGS...</c> and its body.</summary>
public sealed record AgeStanza(string Type, IReadOnlyList<string> Args, byte[] Body);
