using System.Net;
using Lakehouse.Configuration;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Lakehouse.Web.Monitoring;

/// <summary>
/// Kestrel in the command's own process, serving the monitoring endpoints over the same services the command uses
/// (<c>lakehouse schedule --serve</c>): the metrics are those of the runs this process makes.
/// </summary>
internal static class MonitoringServer
{
    /// <summary>The port <c>--port</c> defaults to: the one Prometheus exporters conventionally take.</summary>
    public const int DefaultPort = 9464;

    /// <summary>Where to listen: an IP address, or <c>localhost</c>; refused with a line naming <c>--host</c> otherwise.</summary>
    public static IPAddress ParseHost(string host)
    {
        ArgumentNullException.ThrowIfNull(host);
        if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase))
        {
            return IPAddress.Loopback;
        }

        return IPAddress.TryParse(host, out var address)
            ? address
            : throw new MonitoringServerException($"--host {host} is not an IP address: give one such as 127.0.0.1 (this machine only, the default), 0.0.0.0 (every interface) or ::1.");
    }

    /// <summary>
    /// The app: the lake's services (<c>AddLakehouse</c>) plus <paramref name="more"/> and the monitoring endpoints,
    /// validated as every command validates them, listening at <paramref name="address"/>:<paramref name="port"/>.
    /// </summary>
    public static WebApplication Build(LakehouseConfiguration configuration, IPAddress address, int port, Action<IServiceCollection>? more = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Services.AddLakehouse(configuration);
        more?.Invoke(builder.Services);
        builder.Services.AddLakehouseMonitoring();

        // The command owns Ctrl-C and SIGTERM (a scheduler drains its runs first): the endpoints keep answering until
        // the command stops them.
        builder.Services.AddSingleton<IHostLifetime, CommandLifetime>();
        builder.Host.UseDefaultServiceProvider(o =>
        {
            o.ValidateOnBuild = true;
            o.ValidateScopes = true;
        });
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(address, port));

        // A request per scrape and health probe is not news; a port in use is said once, by the command, in its words.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.None);
        var app = builder.Build();
        try
        {
            app.Services.ValidateLakehouseOptions();
        }
        catch
        {
            ((IDisposable)app).Dispose();
            throw;
        }

        app.MapLakehouseMonitoring();
        return app;
    }

    /// <summary>Starts listening; a port in use is one line that names <c>--port</c>.</summary>
    public static async Task StartAsync(WebApplication app, IPAddress address, int port, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(app);
        try
        {
            await app.StartAsync(ct);
        }
        catch (IOException e) when (e.InnerException is AddressInUseException)
        {
            throw InUse(address, port, e);
        }
        catch (AddressInUseException e)
        {
            throw InUse(address, port, e);
        }
    }

    private static MonitoringServerException InUse(IPAddress address, int port, Exception e) =>
        new($"Port {port} on {address} is in use by another program: choose another with --port (or stop that program).", e);

    /// <summary>A host lifetime that leaves signals to the command.</summary>
    private sealed class CommandLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}

/// <summary>The endpoints cannot be served as asked (a port in use, a host that is no address): exit code 2.</summary>
internal sealed class MonitoringServerException(string message, Exception? inner = null) : LakehouseException(message, inner)
{
    public override LakehouseStage Stage => LakehouseStage.CommandLine;

    public override bool IsUsageError => true;
}
