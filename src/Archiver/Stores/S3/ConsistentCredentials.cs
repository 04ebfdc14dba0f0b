using Amazon.Runtime;

namespace Archiver.Stores.S3;

/// <summary>
/// Refreshing credentials (IRSA, EKS Pod Identity, RRSA) made safe for the SDK's signing. AWSSDK.Core 4
/// asks the credentials twice for one request (<c>Signer.SignRequestAsync</c>: once for the
/// <c>X-Amz-Security-Token</c> header, once more inside the SigV4 signer). When a refresh lands between
/// the two, the request is signed with the new key but carries the old token, and S3 refuses it with
/// 400 InvalidToken: at each refresh, a request in flight failed (a directory's upload, or the
/// orphaned-upload listing). Here the first ask of a request pins its answer for the rest of that
/// request's asynchronous flow, so the second ask gets the same key and token.
/// </summary>
internal sealed class ConsistentCredentials(AWSCredentials inner) : AWSCredentials
{
    /// <summary>Longest a pin serves one flow: signing a request takes microseconds, and credentials are
    /// refreshed minutes before they expire.</summary>
    private static readonly TimeSpan PinFor = TimeSpan.FromSeconds(10);

    private readonly AsyncLocal<Pin?> _pinned = new();

    public override ImmutableCredentials GetCredentials() => Pinned() ?? PinHere().Set(inner.GetCredentials());

    /// <summary>Not <c>async</c> on purpose: the pin is placed in the caller's flow (the SDK's signing
    /// method) before any await, where an async method's changes would be discarded on return; an answer
    /// that has to wait for a fetch fills the pin when it arrives.</summary>
    public override Task<ImmutableCredentials> GetCredentialsAsync()
    {
        if (Pinned() is { } pinned) return Task.FromResult(pinned);
        var pin = PinHere();
        var asked = inner.GetCredentialsAsync();
        if (asked.IsCompletedSuccessfully)
        {
            pin.Set(asked.Result);
            return asked;
        }
        return FillAsync(asked, pin);
    }

    private static async Task<ImmutableCredentials> FillAsync(Task<ImmutableCredentials> asked, Pin pin) => pin.Set(await asked.ConfigureAwait(false));

    private ImmutableCredentials? Pinned() =>
        _pinned.Value is { Credentials: { } credentials } pin && Environment.TickCount64 - pin.At < PinFor.TotalMilliseconds ? credentials : null;

    private Pin PinHere() => _pinned.Value = new Pin();

    /// <summary>One flow's answer, filled when it arrives (a reference, so a fill after an await reaches the flow).</summary>
    private sealed class Pin
    {
        private volatile ImmutableCredentials? _credentials;

        public ImmutableCredentials? Credentials => _credentials;

        public long At { get; private set; }

        public ImmutableCredentials Set(ImmutableCredentials credentials)
        {
            At = Environment.TickCount64;
            _credentials = credentials;
            return credentials;
        }
    }
}
