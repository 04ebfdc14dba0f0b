using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Serilog;

namespace Archiver.Hosting;

/// <summary>The Generic Host around <see cref="ArchiverDaemon"/>: an empty builder (no configuration
/// files, no console lifetime; the run command owns signals), Serilog, and a shutdown timeout equal
/// to the grace period.</summary>
public static class DaemonHost
{
    public static IHost Build(ArchiverDaemon daemon, DaemonOptions options)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddSerilog(Log.Logger, dispose: false);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = options.GracePeriod);
        builder.Services.AddSingleton<IHostedService>(daemon);
        return builder.Build();
    }
}
