namespace Archiver.Policies;

/// <summary>Roots a policy must never sweep: system directories, and any ancestor of one
/// (sweeping <c>/var</c> would treat <c>/var/lib/kubelet</c> as a dead pod's directory).</summary>
public static class SystemRoots
{
    private static readonly string[] Protected =
    [
        "/", "/bin", "/boot", "/dev", "/etc", "/home", "/lib", "/lib32", "/lib64", "/opt", "/proc",
        "/root", "/run", "/sbin", "/srv", "/sys", "/tmp", "/usr", "/var", "/var/lib", "/var/log",
        "/var/lib/kubelet", "/var/lib/docker", "/var/lib/containerd", "/var/lib/etcd", "/var/run",
    ];

    /// <summary>Trees nothing inside of which may be a root either.</summary>
    private static readonly string[] ProtectedTrees =
    [
        "/bin", "/boot", "/dev", "/etc", "/lib", "/lib32", "/lib64", "/proc", "/sbin", "/sys", "/usr",
        "/var/lib/kubelet", "/var/lib/docker", "/var/lib/containerd", "/var/lib/etcd", "/run",
    ];

    public static string? WhyDangerous(string root)
    {
        var full = Normalize(root);
        if (Protected.Contains(full, StringComparer.Ordinal))
            return $"root {full} is a system directory";
        foreach (var p in ProtectedTrees)
        {
            if (full.StartsWith(p + "/", StringComparison.Ordinal))
                return $"root {full} is inside the system directory {p}";
        }
        foreach (var p in Protected)
        {
            if (p != "/" && p.StartsWith(full + "/", StringComparison.Ordinal))
                return $"root {full} contains the system directory {p}";
        }
        return null;
    }

    private static string Normalize(string root)
    {
        var full = Path.GetFullPath(root);
        return full.Length > 1 ? full.TrimEnd('/') : full;
    }
}
