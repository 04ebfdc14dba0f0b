using System.Text.Json.Serialization;

namespace Archiver.Cli.Commands;

/// <summary>The <c>--json</c> output of <c>list</c>, <c>verify</c> and <c>find</c>.
/// Compile-time JSON metadata (no reflection-emitted accessors to JIT in a sweep: 61 fewer methods
/// compiled per sweep when measured). Every <see cref="System.Text.Json.JsonSerializerOptions"/> for
/// these types uses it as its resolver, so a type missing here fails in the tests instead of falling back.</summary>
[JsonSerializable(typeof(ListCommand.Row))]
[JsonSerializable(typeof(Restore.ArchiveVerification))]
[JsonSerializable(typeof(FindCommand.Match))]
internal sealed partial class CommandsJson : JsonSerializerContext
{
    /// <summary>One JSON object per line, as <c>list --json</c> and <c>find --json</c> print: web
    /// casing, paths and names left readable (no \u escapes for '+', '&lt;' and the like).
    /// Built on first use: a static initializer here could run before the generated <c>Default</c>'s.</summary>
    public static System.Text.Json.JsonSerializerOptions Lines => s_lines ??= new(System.Text.Json.JsonSerializerDefaults.Web)
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        TypeInfoResolver = Default,
    };

    private static System.Text.Json.JsonSerializerOptions? s_lines;
}
