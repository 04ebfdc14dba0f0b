using Archiver.Layouts;

namespace Archiver.Tests.Layouts;

public class KeyTemplateTests
{
    [Fact]
    public void Render_HostileFieldValues_CannotEscapeTheirSegment()
    {
        Assert.True(KeyTemplate.TryParse("{cluster}/{node}/{namespace}/{pod}/{dir}-{timestamp}.tar.gz", ["pod"], ".tar.gz", out var t, out var errors), string.Join(";", errors));
        var key = t.Render(new Dictionary<string, string?>
        {
            ["cluster"] = "..", ["node"] = "/etc", ["namespace"] = null, ["pod"] = "a/../../b", ["dir"] = "x\ny", ["timestamp"] = "20260101T000000Z",
        });
        Assert.Equal("_/_etc/_/a_.._.._b/x_y-20260101T000000Z.tar.gz", key);
    }

    [Theory]
    [InlineData("/{dir}-{timestamp}.tar.gz", "absolute")]
    [InlineData("../{dir}-{timestamp}.tar.gz", "'..'")]
    [InlineData("{pod}.tar.gz", "{dir} and {timestamp}")]
    [InlineData("{dir}-{timestamp}.tar.zst", "must end with .tar.gz")]
    [InlineData("{dir}-{timestamp}-{color}.tar.gz", "{color}")]
    public void TryParse_UnsafeOrAmbiguousTemplates_AreRefused(string template, string expected)
    {
        Assert.False(KeyTemplate.TryParse(template, ["pod"], ".tar.gz", out _, out var errors));
        Assert.Contains(errors, e => e.Contains(expected));
    }
}
