namespace Archiver.Cli;

public static class ExitCodes
{
    /// <summary>Every directory handled (archived, or skipped for a reason).</summary>
    public const int Ok = 0;
    /// <summary>Some directory failed (or liveness was unknown); the output says which and why.</summary>
    public const int SomeFailed = 1;
    /// <summary>Usage or configuration error; nothing was touched.</summary>
    public const int Usage = 2;
}
