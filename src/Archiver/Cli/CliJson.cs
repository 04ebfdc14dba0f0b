using System.Text.Json.Serialization;

namespace Archiver.Cli;

/// <summary>The <c>--json</c> line of each directory's outcome: the form
/// <see cref="OutcomeRenderer.LineOf"/> writes by hand is tested against the serializer with this
/// compile-time metadata (no reflection fallback: a type missing here fails in the tests).</summary>
[JsonSerializable(typeof(OutcomeRenderer.OutcomeLine))]
internal sealed partial class CliJson : JsonSerializerContext;
