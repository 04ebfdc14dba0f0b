using System.Reflection;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Archiver.Archives;
using Archiver.Policies;

namespace Archiver.Cli;

/// <summary><c>archiver --version</c>: the version, then one line per native piece the program
/// relies on and where it came from, so an image's contents can be checked on a node.</summary>
public static class VersionText
{
    public static IEnumerable<string> Lines()
    {
        var version = typeof(VersionText).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";
        yield return $"archiver {version}";
        yield return $"runtime: {RuntimeInformation.FrameworkDescription} ({RuntimeInformation.RuntimeIdentifier})";
        yield return $"zstd: {NativeZstd.Description}";
        yield return $"time zones: {TimeZoneData.Describe(Environment.GetEnvironmentVariable("TZDIR"), TimeZoneData.SystemDirectory, AppContext.BaseDirectory)}";
        yield return $"openssl: {OpenSsl()}";
    }

    /// <summary>OpenSSL 3's version number is 0xMNN00PP0 (major, minor, patch).</summary>
    private static string OpenSsl()
    {
        try
        {
            var v = SafeEvpPKeyHandle.OpenSslVersion;
            return $"{v >> 28}.{(v >> 20) & 0xff}.{(v >> 4) & 0xff} (system; SHA-256 and TLS)";
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or TypeInitializationException or PlatformNotSupportedException)
        {
            return $"not found ({e.Message})";
        }
    }
}
