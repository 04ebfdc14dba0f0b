using Archiver.Cli.Commands;
using Archiver.Tests.Support;
using Xunit;

namespace Archiver.Tests.Cli.Commands;

/// <summary><c>archiver run</c>'s arguments: the <c>--listen</c> address forms, and a usage error
/// that starts nothing.</summary>
public class RunCommandTests
{
    [Theory]
    [InlineData(":8080", "0.0.0.0:8080")]
    [InlineData("127.0.0.1:0", "127.0.0.1:0")]
    [InlineData("[::1]:9090", "[::1]:9090")]
    public void TryParseListen_CommonForms_Parsed(string text, string expected)
    {
        Assert.True(RunCommand.TryParseListen(text, out var endpoint));
        Assert.Equal(expected, endpoint.ToString());
    }

    [Theory]
    [InlineData("8080")]
    [InlineData("localhost:8080")]
    [InlineData(":99999")]
    public void TryParseListen_Bad_Rejected(string text) => Assert.False(RunCommand.TryParseListen(text, out _));

    [Fact]
    public async Task Run_MissingPolicies_UsageErrorNothingStarted()
    {
        var result = await CliRunner.RunAsync("run", "--listen", "nonsense");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--policies DIR is required", result.Error);
        Assert.Contains("--listen 'nonsense'", result.Error);
    }
}
