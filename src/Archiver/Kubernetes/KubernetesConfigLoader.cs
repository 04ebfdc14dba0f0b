using Archiver.Policies;
using k8s;
using k8s.Exceptions;

using Archiver.Liveness;

namespace Archiver.Kubernetes;

/// <summary>
/// Finds the API server and credentials, explicitly and in this order: an explicit kubeconfig
/// (<c>--kubeconfig</c> or the policy's <c>liveness.kubeconfig</c>), the in-cluster service
/// account (KUBERNETES_SERVICE_HOST plus the mounted token), <c>KUBECONFIG</c>, <c>~/.kube/config</c>.
/// Never the library's fallback to http://localhost:8080: nothing usable is a
/// <see cref="ConfigurationException"/> (exit 2).
/// </summary>
public sealed class KubernetesConfigLoader(Func<string, string?> environment, string serviceAccountDirectory)
{
    public const string DefaultServiceAccountDirectory = "/var/run/secrets/kubernetes.io/serviceaccount";

    public static KubernetesConfigLoader FromProcess() =>
        new(Environment.GetEnvironmentVariable, DefaultServiceAccountDirectory);

    /// <summary>Returns the configuration and a description of where it came from (for logs and plans).</summary>
    public (KubernetesClientConfiguration Config, string Origin) Load(string? explicitKubeconfig)
    {
        if (explicitKubeconfig is { Length: > 0 })
            return (FromFiles([explicitKubeconfig], "--kubeconfig"), $"kubeconfig {explicitKubeconfig}");

        var tokenFile = Path.Combine(serviceAccountDirectory, "token");
        if (environment("KUBERNETES_SERVICE_HOST") is { Length: > 0 } && File.Exists(tokenFile))
        {
            try
            {
                return (KubernetesClientConfiguration.InClusterConfig(), "in-cluster service account");
            }
            catch (Exception e) when (e is KubeConfigException or IOException or UnauthorizedAccessException)
            {
                throw new ConfigurationException($"running in a pod (KUBERNETES_SERVICE_HOST is set) but the service account under {serviceAccountDirectory} cannot be used: {e.Message}; check automountServiceAccountToken and the DaemonSet's serviceAccountName");
            }
        }

        if (environment("KUBECONFIG") is { Length: > 0 } list)
        {
            var files = list.Split(':', StringSplitOptions.RemoveEmptyEntries).Where(File.Exists).ToList();
            if (files.Count == 0)
                throw new ConfigurationException($"KUBECONFIG is '{list}' but none of those files exists; fix KUBECONFIG or pass --kubeconfig FILE");
            return (FromFiles(files.Take(1).ToList(), "KUBECONFIG"), $"kubeconfig {files[0]} (KUBECONFIG)");
        }

        if (environment("HOME") is { Length: > 0 } home && Path.Combine(home, ".kube", "config") is var defaultFile && File.Exists(defaultFile))
            return (FromFiles([defaultFile], "~/.kube/config"), $"kubeconfig {defaultFile}");

        throw new ConfigurationException(
            "liveness kubernetes has no cluster to ask: not running in a pod (no KUBERNETES_SERVICE_HOST and service-account token), " +
            "no KUBECONFIG and no ~/.kube/config; pass --kubeconfig FILE, or use --liveness static:FILE on a host without Kubernetes");
    }

    private static KubernetesClientConfiguration FromFiles(IReadOnlyList<string> files, string from)
    {
        KubernetesClientConfiguration config;
        try
        {
            foreach (var f in files.Where(f => !File.Exists(f)))
                throw new ConfigurationException($"kubeconfig {f} ({from}) does not exist; pass an existing file");
            // The first file decides (the public API of KubernetesClient loads one file at a time).
            config = KubernetesClientConfiguration.BuildConfigFromConfigFile(new FileInfo(files[0]), null, null, true);
        }
        catch (Exception e) when (e is KubeConfigException or IOException or UnauthorizedAccessException or YamlDotNet.Core.YamlException or ArgumentException or NullReferenceException)
        {
            throw new ConfigurationException($"kubeconfig {string.Join(':', files)} ({from}) cannot be used: {e.Message}; check it with kubectl --kubeconfig {files[0]} config view");
        }
        if (string.IsNullOrWhiteSpace(config.Host) || !Uri.TryCreate(config.Host, UriKind.Absolute, out _))
            throw new ConfigurationException($"kubeconfig {string.Join(':', files)} ({from}) names no usable API server (cluster.server is '{config.Host}'); set it, e.g. https://10.0.0.1:6443");
        return config;
    }
}
