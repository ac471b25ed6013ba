using System.Net;
using Lakehouse.Configuration;
using Lakehouse.Querying;
using Lakehouse.Web.Components;
using Lakehouse.Web.Gold;
using Lakehouse.Web.Monitoring;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;

namespace Lakehouse.Web;

/// <summary>
/// The web host of <c>lakehouse serve</c>: the pipeline's composition root (<c>AddLakehouse</c>) behind Kestrel, the
/// pages as Blazor static server-side rendering (no circuit, no WebAssembly, no script), the style sheet from the
/// assembly, and the Gold page's downloads.
/// </summary>
internal static partial class LakehouseWebHost
{
    /// <summary>The port <c>serve</c> listens on unless told otherwise.</summary>
    public const int DefaultPort = 5080;

    /// <summary>Loopback: the pages show the lake to whoever reaches them, so opening them wider is the user's choice.</summary>
    public const string DefaultHost = "127.0.0.1";

    /// <summary>Builds the host (not started) over the lake <paramref name="configuration"/> names, its options validated.</summary>
    /// <param name="configuration">The process's configuration, as every command builds it.</param>
    /// <param name="host">An IP address or a host name (<c>localhost</c>) to listen on.</param>
    /// <param name="port">The TCP port; 0 takes a free one (see <see cref="Address"/>).</param>
    /// <exception cref="ConfigurationException">An option is invalid; the message names its key.</exception>
    public static WebApplication Build(LakehouseConfiguration configuration, string host, int port)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(LakehouseWebHost).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
            EnvironmentName = Environments.Production,
        });
        builder.Host.UseDefaultServiceProvider(o =>
        {
            o.ValidateOnBuild = true;
            o.ValidateScopes = true;
        });
        builder.WebHost.UseUrls(Url(host, port));

        // The command owns Ctrl-C and SIGTERM (it stops the host when its token is cancelled): not the host as well.
        builder.Services.AddSingleton<IHostLifetime, CommandLifetime>();
        builder.Services.AddLakehouse(configuration);
        builder.Services.AddSingleton(sp => new GoldQuery(sp.GetRequiredService<TimeProvider>()));
        builder.Services.AddSingleton<SqlBox>();
        builder.Services.AddSingleton<GoldCatalog>();
        builder.Services.AddRazorComponents();
        builder.Services.AddLakehouseMonitoring();

        // Antiforgery (which the components' endpoints require) protects its tokens with Data Protection's keys. The
        // pages post no form (the SQL box is a GET), so nothing protected outlives the process: keys in memory, rather
        // than a key ring written under the user's home.
        builder.Services.AddDataProtection().UseEphemeralDataProtectionProvider();

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

        app.UseExceptionHandler(error => error.Run(WriteUnexpectedErrorAsync));

        // An address with no page (a typo, a bookmark from another version) gets a line saying where the pages are.
        app.UseStatusCodePages("text/plain; charset=utf-8", "{0}: there is no page here. The pages are / (Datasets), /runs, /lineage, /gold and /charts.");
        app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = new EmbeddedFileProvider(WebAssembly.Assembly, "Lakehouse.Web.Assets"),
            RequestPath = "/assets",
        });
        app.UseAntiforgery();
        app.MapGoldDownloads();
        app.MapLakehouseMonitoring();
        app.MapRazorComponents<App>();
        return app;
    }

    /// <summary>The address the started host listens on, e.g. <c>http://127.0.0.1:5080</c> (the port taken, for port 0).</summary>
    public static Uri Address(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        return new Uri(addresses.First());
    }

    /// <summary>The lake a configuration names, for the line <c>serve</c> starts with: its folder, or its bucket.</summary>
    public static string Describe(LakehouseConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var storage = configuration.Root.GetSection(StorageOptions.Section);
        return string.Equals(storage["Kind"], nameof(StorageKind.S3), StringComparison.OrdinalIgnoreCase)
            ? $"the lake in bucket {storage["S3:Bucket"]} at {storage["S3:ServiceUrl"]}"
            : $"the lake in {Path.GetFullPath(storage["Root"] ?? "lake")}";
    }

    /// <summary>Starts <paramref name="app"/>, turning a port that is taken into one line naming the fix.</summary>
    /// <exception cref="ServeAddressException">The address is in use or cannot be listened on.</exception>
    public static async Task StartAsync(WebApplication app, string host, int port, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(app);
        try
        {
            await app.StartAsync(ct);
        }
        catch (IOException e) when (e.InnerException is AddressInUseException)
        {
            throw new ServeAddressException(
                $"Port {port} on {host} is already in use (another 'lakehouse serve'?). Choose another with --port N, e.g. --port {(port == ushort.MaxValue ? DefaultPort : port + 1)}.", e);
        }
        catch (IOException e) when (e.InnerException is System.Net.Sockets.SocketException)
        {
            throw new ServeAddressException($"Cannot listen on {host} port {port}: {e.InnerException.Message}. Give an address of this machine with --host (default {DefaultHost}).", e);
        }
    }

    private static string Url(string host, int port)
    {
        // An IPv6 address goes in brackets in a URL; a name or an IPv4 address as it is.
        var name = IPAddress.TryParse(host, out var ip) && ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{host}]" : host;
        return string.Create(System.Globalization.CultureInfo.InvariantCulture, $"http://{name}:{port}");
    }

    private static async Task WriteUnexpectedErrorAsync(HttpContext context)
    {
        // The exception itself is logged by the exception handler (to the log file, with its stack trace).
        context.Response.ContentType = "text/plain; charset=utf-8";
        await context.Response.WriteAsync("Something went wrong showing this page; the log file has the details. Please report it.");
    }

    /// <summary>Does nothing: <c>serve</c>'s own shutdown signals stop the host.</summary>
    private sealed class CommandLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}

/// <summary><c>serve</c> cannot listen where it was told to; the message names the option to change.</summary>
internal sealed class ServeAddressException(string message, Exception inner) : LakehouseException(message, inner)
{
    public override LakehouseStage Stage => LakehouseStage.CommandLine;

    public override bool IsUsageError => true;
}
