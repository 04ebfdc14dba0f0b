namespace Archiver.Cli;

/// <summary>Options several commands declare with the same meaning.</summary>
public static class CommonOptions
{
    public static readonly OptionSpec Store = OptionSpec.Text("--store", "URL", "the store: file:///DIR, s3://BUCKET/PREFIX, oss://BUCKET/PREFIX or azblob://CONTAINER/PREFIX (policy field store)");

    public static readonly OptionSpec Node = OptionSpec.Text("--node", "NAME", "this node's name (default $NODE_NAME, else the host name)");

    public static readonly OptionSpec Kubeconfig = OptionSpec.Text("--kubeconfig", "FILE",
        "kubeconfig for liveness kubernetes (default: in-cluster service account, then $KUBECONFIG, then ~/.kube/config)");

    public static readonly OptionSpec DryRun = OptionSpec.Flag("--dry-run", "print what would be done and change nothing");

    public static readonly OptionSpec Json = OptionSpec.Flag("--json", "print one JSON object per line instead of a table");
}
