namespace Archiver.Encryption;

/// <summary>Where an age file that cannot be read goes wrong, in the terms of the age spec's
/// test vectors (C2SP CCTV age testkit: "header failure", "HMAC failure", "payload failure").</summary>
public enum AgeFault
{
    /// <summary>The header does not parse, or a stanza addressed to a given identity is malformed.</summary>
    Header,

    /// <summary>The header parses and a file key was unwrapped, but the header MAC does not match it.</summary>
    HeaderMac,

    /// <summary>The header is intact but the STREAM payload does not decrypt all the way to its end.</summary>
    Payload,

    /// <summary>The file uses an age feature Archiver does not implement (passphrases, ASCII armor).</summary>
    Unsupported,
}
