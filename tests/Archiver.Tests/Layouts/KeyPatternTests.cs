using Archiver.Layouts;
using Archiver.Policies;

namespace Archiver.Tests.Layouts;

public class KeyPatternTests
{
    [Theory]
    [InlineData("prod/node-1/shop/web-0/web-0-1700000000-20261120T080910Z.tar.gz")]
    [InlineData("prod/node-1/shop/web-0/web-0-1700000000-20261120T080910Z.tar.zst")]
    public void Match_DefaultTemplate_ReadsEveryFieldBackWhateverTheCompression(string key)
    {
        var fields = new KeyPattern(Policy.DefaultKey).Match(key);

        Assert.NotNull(fields);
        Assert.Equal("node-1", fields["node"]);
        Assert.Equal("web-0", fields["pod"]);
        Assert.Equal("web-0-1700000000", fields["dir"]);
        Assert.Equal(new DateTimeOffset(2026, 11, 20, 8, 9, 10, TimeSpan.Zero), KeyPattern.Timestamp(fields));
    }

    [Theory]
    [InlineData("prod/node-1/web-0-20261120T080910Z.tar.gz")]
    [InlineData("prod/node-1/shop/web-0/web-0-latest.tar.gz")]
    [InlineData("prod/node-1/shop/web-0/web-0-20261120T080910Z.tar.gz.manifest.json")]
    public void Match_KeyTheTemplateDidNotMake_IsNull(string key) =>
        Assert.Null(new KeyPattern(Policy.DefaultKey).Match(key));

    [Fact]
    public void Timestamp_CustomTemplate_ComesFromItsOwnSegment() =>
        Assert.Equal(
            new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero),
            KeyPattern.Timestamp(new KeyPattern("archives/{dir}/{timestamp}/{node}.tar.gz").Match("archives/db-0/20260102T030405Z/n1.tar.gz")));
}
