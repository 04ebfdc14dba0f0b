using Archiver.Stores;
using Archiver.Stores.Azure;
using Archiver.Tests.Support;
using Archiver.Tests.Support.Identity;
using Azure.Core;
using Xunit;

namespace Archiver.Tests.Stores.Azure;

/// <summary>
/// AKS Workload Identity end to end: the store exchanges the pod's projected service-account token at
/// a strict Entra ID stand-in (<see cref="EntraTokenStandIn"/>, which names the Microsoft document of
/// each rule it enforces) and uses the access token against Azurite over HTTPS with <c>--oauth basic</c>,
/// which checks the token's issuer, audience and lifetime on every request.
/// </summary>
[Collection("azurite")]
public sealed class WorkloadIdentityTests(AzuriteServer server) : IDisposable
{
    private const string Tenant = "72f988bf-86f1-41af-91ab-2d7cd011db47";
    private const string Client = "0c0ffee0-1234-4321-abcd-00000000a2b1";
    private static readonly CancellationToken None = CancellationToken.None;
    private readonly TempDir _temp = new("azwi");

    [Fact]
    public async Task Store_ProjectedTokenFederated_WritesAndReadsWithTheEntraAccessToken()
    {
        await using var entra = new EntraTokenStandIn(Tenant, Client, TimeSpan.FromHours(1));
        var container = await server.CreateOAuthContainerAsync("wi");
        var tokenFile = WriteToken(EntraTokenStandIn.ServiceAccountToken(DateTimeOffset.UtcNow, TimeSpan.FromHours(1)));
        await using var store = CreateStore(entra, container, tokenFile);

        await store.PutAsync("n/a.tar.gz.manifest.json", "{}"u8.ToArray(), None);
        var bytes = new byte[(3 << 20) + 5];
        new Random(3).NextBytes(bytes);
        await using (var upload = await store.BeginUploadAsync("n/a.tar.gz", None))
        {
            await Task.Run(() => upload.Content.Write(bytes));
            await upload.CompleteAsync(None);
        }

        await using (var read = await store.OpenReadAsync("n/a.tar.gz", None))
        {
            using var copy = new MemoryStream();
            await read.CopyToAsync(copy);
            Assert.Equal(bytes, copy.ToArray());
        }
        var listed = new List<string>();
        await foreach (var o in store.ListAsync("n/", None)) listed.Add(o.Key);
        Assert.Equal(["n/a.tar.gz", "n/a.tar.gz.manifest.json"], listed);
        Assert.Empty(entra.Refused);
        var issued = Assert.Single(entra.Issued);
        Assert.Equal(await File.ReadAllTextAsync(tokenFile), issued.Assertion);
    }

    public static TheoryData<string, string> BadAssertions => new()
    {
        { "wrong audience", "AADSTS700212" },
        { "expired", "AADSTS700024" },
    };

    [Theory]
    [MemberData(nameof(BadAssertions))]
    public async Task Store_AssertionEntraRefuses_FailsNamingEntrasErrorAndWritesNothing(string what, string code)
    {
        await using var entra = new EntraTokenStandIn(Tenant, Client, TimeSpan.FromHours(1));
        var container = await server.CreateOAuthContainerAsync("wibad");
        var now = DateTimeOffset.UtcNow;
        var token = what == "expired"
            ? EntraTokenStandIn.ServiceAccountToken(now - TimeSpan.FromHours(2), TimeSpan.FromHours(1))
            : EntraTokenStandIn.ServiceAccountToken(now, TimeSpan.FromHours(1), audience: "sts.amazonaws.com");
        await using var store = CreateStore(entra, container, WriteToken(token));

        var e = await Assert.ThrowsAnyAsync<StoreException>(() => store.PutAsync("n/x.json", "{}"u8.ToArray(), None));

        Assert.Contains(code, e.Message);
        Assert.Contains($"client {Client}", e.Message);
        Assert.DoesNotContain(token, e.ToString());
        Assert.Empty(entra.Issued);
        await foreach (var _ in server.OAuthClient().GetBlobContainerClient(container).GetBlobsAsync()) Assert.Fail("nothing may be written");
    }

    [Fact]
    public async Task Store_ClientIdMissing_RefusedUpFrontNamingTheVariable()
    {
        await using var entra = new EntraTokenStandIn(Tenant, Client, TimeSpan.FromHours(1));
        var env = Environment(entra, WriteToken(EntraTokenStandIn.ServiceAccountToken(DateTimeOffset.UtcNow, TimeSpan.FromHours(1))));
        env.Remove(WorkloadIdentitySettings.ClientIdVariable);

        var e = Assert.Throws<ConfigurationException>(() => server.CreateStore(server.StoreUrl("any", "p").Replace(Uri.EscapeDataString(server.Endpoint), Uri.EscapeDataString(server.OAuthEndpoint), StringComparison.Ordinal), env));

        Assert.Contains("AZURE_CLIENT_ID is missing", e.Message);
        Assert.Empty(entra.Issued);
        Assert.Empty(entra.Refused);
    }

    [Fact]
    public async Task Credential_RequestWithoutClientId_EntraAnswersAadsts900144()
    {
        await using var entra = new EntraTokenStandIn(Tenant, Client, TimeSpan.FromHours(1));
        var tokenFile = WriteToken(EntraTokenStandIn.ServiceAccountToken(DateTimeOffset.UtcNow, TimeSpan.FromHours(1)));
        var credential = new WorkloadIdentityCredential(new WorkloadIdentitySettings("", Tenant, tokenFile, new Uri(entra.AuthorityHost)), TimeProvider.System);

        var e = await Assert.ThrowsAsync<StoreException>(async () => await credential.GetTokenAsync(new TokenRequestContext(["https://storage.azure.com/.default"]), None));

        Assert.Contains("AADSTS900144", e.Message);
        Assert.Contains("'client_id'", e.Message);
    }

    /// <summary>Access tokens of 8 seconds over a 20-second run of uploads and reads, with the projected
    /// token rotated half-way (as the kubelet does): every request succeeds (Azurite refuses an expired
    /// token), new tokens are fetched before the one in use expires, and with the rotated assertion.</summary>
    [Fact]
    public async Task Store_LongRunWithShortLivedTokens_RefreshesBeforeExpiryAndRereadsTheRotatedToken()
    {
        await using var entra = new EntraTokenStandIn(Tenant, Client, TimeSpan.FromSeconds(8));
        var container = await server.CreateOAuthContainerAsync("wilong");
        var tokenFile = WriteToken(EntraTokenStandIn.ServiceAccountToken(DateTimeOffset.UtcNow, TimeSpan.FromHours(1)));
        await using var store = CreateStore(entra, container, tokenFile);
        var start = DateTimeOffset.UtcNow;
        var rotated = "";
        var writes = 0;

        while (DateTimeOffset.UtcNow - start < TimeSpan.FromSeconds(20))
        {
            if (rotated.Length == 0 && DateTimeOffset.UtcNow - start > TimeSpan.FromSeconds(10))
            {
                rotated = EntraTokenStandIn.ServiceAccountToken(DateTimeOffset.UtcNow, TimeSpan.FromHours(1));
                WriteToken(rotated, tokenFile);
            }
            var key = $"n/{writes++:D4}.tar.gz";
            await using (var upload = await store.BeginUploadAsync(key, None))
            {
                await Task.Run(() => upload.Content.Write(new byte[(1 << 20) + writes]));
                await upload.CompleteAsync(None);
            }
            Assert.Equal((1 << 20) + writes, (await store.StatAsync(key, None))!.Size);
            await Task.Delay(200);
        }

        Assert.Empty(entra.Refused);
        var issued = entra.Issued.ToList();
        Assert.True(issued.Count >= 3, $"expected the token to be renewed at least twice in 20 s of 8-second tokens; issued {issued.Count}");
        for (var i = 1; i < issued.Count; i++)
            Assert.True(issued[i].IssuedAt < issued[i - 1].ExpiresOn, $"token {i} was fetched at {issued[i].IssuedAt:O}, after token {i - 1} expired at {issued[i - 1].ExpiresOn:O}");
        Assert.Equal(rotated, issued[^1].Assertion);
    }

    /// <summary>The real binary sweeping ten directories of incompressible data to the HTTPS Azurite
    /// with Workload Identity only (the pod's environment; <c>SSL_CERT_FILE</c> makes it trust
    /// Azurite's certificate), with 5-second access tokens (renewed two thirds into their life, so a
    /// request has 1.7 s of margin; 3-second tokens left 1 s, which a loaded CI machine overran) and
    /// the store's <c>bandwidth</c> cap holding it to 2 MiB/s: the sweep outlasts several tokens
    /// without keeping the cores busy, every directory is archived and deleted, each new token was
    /// fetched before the one in use expired, and the cap held (no faster than 2 MiB/s).</summary>
    [Fact]
    public async Task Sweep_LongerThanATokenLives_ArchivesEverythingRenewingBeforeExpiry()
    {
        await using var entra = new EntraTokenStandIn(Tenant, Client, TimeSpan.FromSeconds(5));
        var container = await server.CreateOAuthContainerAsync("wisweep");
        var tokenFile = WriteToken(EntraTokenStandIn.ServiceAccountToken(DateTimeOffset.UtcNow, TimeSpan.FromHours(1)));
        var root = _temp.Sub("pods");
        var tree = new PodTree(root);
        // 10 x 2 MiB at 2 MiB/s: at least 9.5 s of sweep on any machine (the first block goes at
        // once), against the ~6.7 s it must outlast (two renewals, each two thirds into a 5-second
        // token). Without the cap the sweep takes well under a second and too few tokens are issued.
        const int pods = 10;
        const int bytesPerPod = 2 << 20, bandwidth = 2 << 20;
        for (var i = 0; i < pods; i++)
            tree.Pod($"job-{i}", DateTimeOffset.UtcNow.AddDays(-3), d =>
            {
                var data = new byte[bytesPerPod];
                new Random(i).NextBytes(data);
                File.WriteAllBytes(Path.Combine(d, "data.bin"), data);
            });
        var env = Environment(entra, tokenFile);
        env["SSL_CERT_FILE"] = server.OAuthCertificate;
        var url = server.StoreUrl(container, "p", $"partSize=1MiB&uploadConcurrency=1&bandwidth={bandwidth}").Replace(Uri.EscapeDataString(server.Endpoint), Uri.EscapeDataString(server.OAuthEndpoint), StringComparison.Ordinal);
        var started = DateTimeOffset.UtcNow;

        var sweep = await ProcessRunner.RunAsync("dotnet", [typeof(Archiver.Program).Assembly.Location, "sweep", "--root", root, "--store", url, "--liveness", "none", "--idle-for", "1h", "--node", "n1", "--concurrency", "1"],
            env: env, timeout: TimeSpan.FromMinutes(5));

        var took = DateTimeOffset.UtcNow - started;
        Assert.True(sweep.ExitCode == 0, sweep.ToString());
        Assert.DoesNotContain(Directory.EnumerateDirectories(root), d => !Path.GetFileName(d).StartsWith('.'));
        var blobs = new List<string>();
        await foreach (var b in server.OAuthClient().GetBlobContainerClient(container).GetBlobsAsync()) blobs.Add(b.Name);
        Assert.Equal(2 * pods, blobs.Count);
        var issued = entra.Issued.ToList();
        Assert.True(issued.Count >= 3, $"{issued.Count} tokens for a {took.TotalSeconds:F1} s sweep of 5-second tokens: the sweep must outlast two of them for this test to mean anything");
        for (var i = 1; i < issued.Count; i++)
            Assert.True(issued[i].IssuedAt < issued[i - 1].ExpiresOn, $"token {i} was fetched at {issued[i].IssuedAt:O}, after token {i - 1} expired at {issued[i - 1].ExpiresOn:O}");
        Assert.Empty(entra.Refused);
        Assert.True(took >= TimeSpan.FromSeconds((pods * bytesPerPod - (1 << 20)) / (double)bandwidth), $"{pods * bytesPerPod} bytes went in {took.TotalSeconds:F1} s, faster than the {bandwidth} bytes/s cap");
    }

    private IArchiveStore CreateStore(EntraTokenStandIn entra, string container, string tokenFile) =>
        server.CreateStore(server.StoreUrl(container, "p").Replace(Uri.EscapeDataString(server.Endpoint), Uri.EscapeDataString(server.OAuthEndpoint), StringComparison.Ordinal),
            Environment(entra, tokenFile), http: server.TrustingClient());

    private static Dictionary<string, string> Environment(EntraTokenStandIn entra, string tokenFile) => new()
    {
        [WorkloadIdentitySettings.ClientIdVariable] = Client,
        [WorkloadIdentitySettings.TenantIdVariable] = Tenant,
        [WorkloadIdentitySettings.TokenFileVariable] = tokenFile,
        [WorkloadIdentitySettings.AuthorityHostVariable] = entra.AuthorityHost,
    };

    /// <summary>Writes the token where the kubelet projects it (replacing the file, as it does); returns the path.</summary>
    private string WriteToken(string token, string? path = null)
    {
        path ??= Path.Combine(_temp.Sub("token-" + Guid.NewGuid().ToString("N")[..8]), "azure-identity-token");
        var tmp = path + ".tmp";
        File.WriteAllText(tmp, token);
        File.Move(tmp, path, overwrite: true);
        return path;
    }

    public void Dispose() => _temp.Dispose();
}
