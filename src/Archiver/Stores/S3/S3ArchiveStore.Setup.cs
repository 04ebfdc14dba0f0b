using Amazon.Runtime;

namespace Archiver.Stores.S3;

/// <summary>What a sweep or prune checks before it touches anything: credentials can be had, and the
/// bucket is set up as the options say.</summary>
public sealed partial class S3ArchiveStore
{
    private readonly Lock _setupLock = new();
    private Task? _setupChecked;

    /// <summary>The credentials the client signs with (null when a test gives the client only).</summary>
    internal AWSCredentials? Credentials { get; init; }

    /// <summary>Credentials first (a store with none is a configuration error, exit 2, not a failure
    /// of every directory), then Object Lock when <c>objectLockMode</c> is set; asked once per store.</summary>
    public Task CheckSetupAsync(CancellationToken cancellationToken)
    {
        lock (_setupLock) return _setupChecked ??= CheckAsync(cancellationToken);
    }

    private async Task CheckAsync(CancellationToken cancellationToken)
    {
        if (Credentials is not null)
        {
            try
            {
                await Credentials.GetCredentialsAsync().WaitAsync(cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // Our providers (IRSA, Pod Identity, RRSA, profiles) say where they looked and what failed;
                // the SDK's default chain only that it found nothing.
                var why = e switch
                {
                    StoreException s => s.Message,
                    _ when e.Message.StartsWith("Failed to resolve AWS credentials", StringComparison.Ordinal) => $"none found; {S3Errors.CredentialHint(Options)}",
                    _ => $"{S3Errors.Innermost(e).Message.Split('\n')[0].Trim()}; {S3Errors.CredentialHint(Options)}",
                };
                throw new ConfigurationException($"{Location}: no usable credentials: {why}");
            }
        }
        if (Options.ObjectLockMode is not null) await CheckObjectLockAsync(cancellationToken);
    }
}
