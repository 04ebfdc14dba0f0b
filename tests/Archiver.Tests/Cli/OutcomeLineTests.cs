using System.Text.Json;
using Archiver.Cli;

namespace Archiver.Tests.Cli;

/// <summary>`sweep --json` lines are written by hand and read by users' scripts: the hand-written
/// form must be what the serializer writes with <see cref="OutcomeRenderer.Json"/>, byte for byte.</summary>
public sealed class OutcomeLineTests
{
    [Fact]
    public void SweepJsonLine_IsWhatTheSerializerWrites()
    {
        OutcomeRenderer.OutcomeLine[] lines =
        [
            new("web-0", "ns/web-0", "archive", "pod gone, idle 3d \"x\" <é>", "eligible", "k/web-0.tar.gz", 50_524_670, 13_787_625, new string('a', 64), true, null, null, 0.589),
            new("web-1", null, "skip", null, "failed", null, 0, 0, null, false, "verify failed: x", "verify", 1e-3),
            new("web-2", "p", "archive", "r", "eligible", "k", long.MaxValue, -1, "s", false, "e", "cleanup", 12345.678),
        ];
        foreach (var line in lines)
            Assert.Equal(JsonSerializer.Serialize(line, OutcomeRenderer.Json), OutcomeRenderer.LineOf(line));
    }
}
