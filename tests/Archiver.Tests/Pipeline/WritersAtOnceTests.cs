using Archiver.Archives;
using Archiver.Pipeline;

namespace Archiver.Tests.Pipeline;

/// <summary>The cores go to the archives being written: a lone directory (the manual
/// <c>archiver archive</c>, a sweep that found one) and disk-pressure relief (one at a time) compress
/// on the cores that <c>concurrency</c> archives would have shared.</summary>
public sealed class WritersAtOnceTests
{
    private static readonly SweepRequest Sweep = new([]);
    private static readonly SweepRequest UnderPressure = new([], Enough: () => false);

    [Theory]
    [InlineData(1, 2, 1)]
    [InlineData(2, 2, 2)]
    [InlineData(40, 2, 2)]
    [InlineData(3, 8, 3)]
    [InlineData(0, 2, 1)]
    public void Sweep_WritesMinOfDirectoriesAndConcurrency(int directories, int concurrency, int expected) =>
        Assert.Equal(expected, Archiver.Pipeline.Sweep.WritersAtOnce(Sweep, directories, concurrency));

    [Fact]
    public void DiskPressure_WritesOneAtATime() =>
        Assert.Equal(1, Archiver.Pipeline.Sweep.WritersAtOnce(UnderPressure, directories: 40, concurrency: 4));

    [Theory]
    [InlineData(1, 2, 2)] // a lone archive on 2 cores: both
    [InlineData(2, 2, 1)] // two at once on 2 cores: one each
    [InlineData(1, 16, 4)] // at most 4 per archive
    [InlineData(2, 16, 4)]
    [InlineData(8, 16, 2)]
    [InlineData(4, 2, 1)] // more archives than cores: still one each
    public void Workers_CoresSharedByTheArchivesWrittenAtOnce(int atOnce, int cores, int expected) =>
        Assert.Equal(expected, Compression.WorkersFor(atOnce, cores));
}
