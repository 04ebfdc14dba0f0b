using Archiver.Liveness;
using Archiver.Tests.Support;

namespace Archiver.Tests.Liveness;

public sealed class StaticLivenessSourceConformanceTests : LivenessSourceConformance
{
    private readonly TempDir _temp = new("static");

    private string File => _temp["live-pods.txt"];

    protected override Task<ILivenessSource> CreateAsync(IReadOnlyList<PodState> pods)
    {
        System.IO.File.WriteAllLines(File, pods.Select(p => $"{p.Namespace}/{p.Name} {p.Phase}"));
        return Task.FromResult<ILivenessSource>(new StaticLivenessSource(File));
    }

    protected override void Break() => System.IO.File.Delete(File);

    public override Task DisposeAsync()
    {
        _temp.Dispose();
        return Task.CompletedTask;
    }
}
