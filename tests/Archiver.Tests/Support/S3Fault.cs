namespace Archiver.Tests.Support;

/// <summary>What <see cref="S3FaultProxy"/> does to a request a rule matches.</summary>
public enum S3Fault
{
    /// <summary>500 InternalError, body read, connection closed.</summary>
    Status500,
    /// <summary>503 ServiceUnavailable.</summary>
    Status503,
    /// <summary>503 with S3's <c>SlowDown</c> XML (throttling).</summary>
    SlowDown,
    /// <summary>Half of the request body read, then the connection reset (RST).</summary>
    ResetMidBody,
    /// <summary>Request read, no answer until the client gives up (or <see cref="S3FaultProxy.StallLimit"/>).</summary>
    Stall,
    /// <summary>Forwarded, but only half of the response body is passed on before the connection is closed.</summary>
    TruncateBody,
    /// <summary>Forwarded, half of the response body passed on, then nothing more until the client hangs up
    /// (or <see cref="S3FaultProxy.StallLimit"/>).</summary>
    StallMidBody,
}
