using Archiver.Stores;
using Archiver.Stores.Azure;
using Archiver.Tests.Support;
using Archiver.Tests.Support.Identity;
using Xunit;

namespace Archiver.Tests.Stores.Azure;

/// <summary><c>identity: managed</c> end to end: the store asks an IMDS stand-in
/// (<see cref="AzureImdsStandIn"/>, Microsoft's documented rules) for a token of the node's
/// user-assigned identity and uses it against Azurite over HTTPS with <c>--oauth basic</c>.</summary>
[Collection("azurite")]
public sealed class ManagedIdentityTests(AzuriteServer server)
{
    private const string Tenant = "72f988bf-86f1-41af-91ab-2d7cd011db47";
    private const string Kubelet = "5e1ec7ed-0000-4000-8000-00000000beef";

    [Fact]
    public async Task Store_IdentityManaged_WritesAndReadsWithTheImdsToken()
    {
        await using var imds = new AzureImdsStandIn(Tenant, Kubelet);
        var container = await server.CreateOAuthContainerAsync("mi");
        await using var store = CreateStore(container, imds, Kubelet);

        await store.PutAsync("n/a.json", "{\"a\":1}"u8.ToArray(), CancellationToken.None);

        Assert.Equal(7, (await store.StatAsync("n/a.json", CancellationToken.None))!.Size);
        Assert.Empty(imds.Refused);
        Assert.Single(imds.Issued);
    }

    [Fact]
    public async Task Store_IdentityNotAssignedToTheNode_FailsWithImdsAnswer()
    {
        await using var imds = new AzureImdsStandIn(Tenant, Kubelet);
        var container = await server.CreateOAuthContainerAsync("mibad");
        await using var store = CreateStore(container, imds, "00000000-0000-0000-0000-000000000000");

        var e = await Assert.ThrowsAnyAsync<StoreException>(() => store.PutAsync("n/a.json", "{}"u8.ToArray(), CancellationToken.None));

        Assert.Contains("Identity not found", e.Message);
        Assert.Empty(imds.Issued);
    }

    private IArchiveStore CreateStore(string container, AzureImdsStandIn imds, string clientId) =>
        server.CreateStore(
            server.StoreUrl(container, "p", "identity=managed").Replace(Uri.EscapeDataString(server.Endpoint), Uri.EscapeDataString(server.OAuthEndpoint), StringComparison.Ordinal),
            new Dictionary<string, string>
            {
                [WorkloadIdentitySettings.ClientIdVariable] = clientId,
                [ManagedIdentityCredential.AuthorityHostVariable] = imds.Host,
            },
            http: server.TrustingClient());
}
