using System.Text;
using Archiver.Stores;
using Archiver.Tests.Support;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using Xunit;

namespace Archiver.Tests.Stores.Azure;

/// <summary>
/// The <c>azblob://</c> store against the shared conformance suite, on Azurite, with 5 MiB blocks so
/// the larger cases are several staged blocks. Blob Storage has no upload objects to list or abort:
/// the suite's checks on unfinished uploads read the server's uncommitted blocks (Get Block List),
/// grouped by the upload id their block ids carry.
/// </summary>
[Collection("azurite")]
public sealed class AzureArchiveStoreTests(AzuriteServer server) : ArchiveStoreConformance
{
    private const string Prefix = "under/a/prefix";
    private string _container = "";

    protected override async Task<IArchiveStore> CreateStoreAsync()
    {
        _container = await server.CreateContainerAsync("conf");
        return server.CreateStore(server.StoreUrl(_container, Prefix, "partSize=5MiB&uploadConcurrency=2"));
    }

    protected override bool ListsUploads => false;

    protected override bool BeginCreatesUpload => false;

    protected override bool AbortDropsStagedData => false;

    protected override async Task<List<PendingUpload>> PendingAsync(IArchiveStore store, string prefix)
    {
        var container = server.CreateClient().GetBlobContainerClient(_container);
        var pending = new List<PendingUpload>();
        await foreach (var blob in container.GetBlobsAsync(new GetBlobsOptions { Prefix = $"{Prefix}/{prefix}", States = BlobStates.Uncommitted }))
        {
            var blocks = await container.GetBlockBlobClient(blob.Name).GetBlockListAsync(BlockListTypes.Uncommitted);
            foreach (var upload in blocks.Value.UncommittedBlocks.Select(b => Encoding.ASCII.GetString(Convert.FromBase64String(b.Name)).Split('-')[0]).Distinct())
                pending.Add(new PendingUpload(blob.Name[(Prefix.Length + 1)..], upload, blob.Properties.LastModified ?? default));
        }
        return pending;
    }
}
