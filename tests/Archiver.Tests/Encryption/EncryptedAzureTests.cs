using Archiver.Tests.Support;

namespace Archiver.Tests.Encryption;

/// <summary>An encrypted sweep to Azurite, then <c>archiver verify</c> without a key and
/// <c>archiver restore</c> with one, and <c>deploy/restore.sh azblob://</c> (az, age -d -i, tar):
/// age encryption works on <c>azblob://</c> as on every store.</summary>
[Collection("azurite")]
public sealed class EncryptedAzureTests(AzuriteServer server) : IAsyncLifetime
{
    private EncryptedScene _scene = null!;
    private string _container = "";
    private string _key = "";

    public async Task InitializeAsync()
    {
        _container = await server.CreateContainerAsync("age");
        _scene = new EncryptedScene(storeYaml:
        [
            $"url: azblob://{_container}/enc",
            $"endpoint: {server.Endpoint}",
            $"connectionStringFile: {server.ConnectionStringFile}",
        ]);
        _key = await _scene.SweepAsync();
    }

    public Task DisposeAsync()
    {
        _scene.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task VerifyWithoutIdentity_ThenRestoreWithIdentity_FromAzurite()
        => await _scene.VerifyWithoutIdentityThenRestoreWithIdentityAsync(_key);

    [Fact]
    public async Task RestoreScript_WithIdentity_DecryptsChecksAndExtractsExactly()
    {
        var target = _scene.Tmp["restored"];

        var r = await ProcessRunner.RunAsync("sh", [RepoRoot.Combine("deploy", "restore.sh"), $"azblob://{_container}/enc/{_key}", target, "--endpoint", server.Endpoint, "--identity", _scene.Inline.IdentityFile],
            env: new Dictionary<string, string> { ["AZURE_STORAGE_CONNECTION_STRING"] = server.ConnectionString, ["AZURE_CONFIG_DIR"] = _scene.Tmp.Sub("az") });

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("matches the manifest", r.Error);
        Assert.Empty(_scene.Before.Diff(TreeSnapshot.Of(Path.Combine(target, "web-0"))));
    }
}
