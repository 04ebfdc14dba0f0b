using Archiver.Composition;
using Archiver.Policies;
using Archiver.Stores;
using Archiver.Tests.Support;

namespace Archiver.Tests.Stores;

/// <summary>The local store against the shared conformance suite.</summary>
public sealed class FileArchiveStoreTests : ArchiveStoreConformance, IDisposable
{
    private readonly TempDir _temp = new("filestore");

    protected override Task<IArchiveStore> CreateStoreAsync() =>
        Task.FromResult(StoreFactory.Create(new StoreSpec(new Uri(_temp.Sub($"store-{Guid.NewGuid():N}")).AbsoluteUri)));

    public void Dispose() => _temp.Dispose();
}
