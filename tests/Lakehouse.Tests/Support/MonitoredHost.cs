using System.Net;
using Lakehouse.Configuration;
using Lakehouse.Runs;
using Lakehouse.Web.Monitoring;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Lakehouse.Tests.Support;

/// <summary>
/// The monitoring endpoints as <c>schedule --serve</c> hosts them (<see cref="MonitoringServer"/>: Kestrel over the real
/// composition root), on a free loopback port, with the pipeline of the same services: what the endpoints report is
/// what this host's runs did.
/// </summary>
internal sealed class MonitoredHost : IAsyncDisposable
{
    private readonly WebApplication app;

    private MonitoredHost(WebApplication app, Uri baseAddress)
    {
        this.app = app;
        BaseAddress = baseAddress;
        Http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60) };
    }

    public Uri BaseAddress { get; }

    public HttpClient Http { get; }

    public IServiceProvider Services => app.Services;

    public LakehousePipeline Pipeline => Services.GetRequiredService<LakehousePipeline>();

    /// <param name="root">The folder the configuration resolves relative paths against.</param>
    /// <param name="settings">The configuration (a lake, sources pointed at local servers).</param>
    /// <param name="environment">Environment variables the configuration sees (S3 credentials).</param>
    /// <param name="more">Services on top of the composition root's (a clock, a log collector).</param>
    public static async Task<MonitoredHost> StartAsync(
        string root, IReadOnlyDictionary<string, string?> settings, IReadOnlyDictionary<string, string>? environment = null, Action<IServiceCollection>? more = null)
    {
        var configuration = LakehouseConfiguration.Build(root, AppContext.BaseDirectory, environment ?? new Dictionary<string, string>(), null, settings);
        var app = MonitoringServer.Build(configuration, IPAddress.Loopback, 0, more);
        await MonitoringServer.StartAsync(app, IPAddress.Loopback, 0, CancellationToken.None);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new MonitoredHost(app, new Uri(address.TrimEnd('/') + "/"));
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await app.StopAsync();
        await app.DisposeAsync();
    }
}

/// <summary>Prometheus text read back: each sample by its metric name and labels.</summary>
internal sealed class PrometheusText
{
    private readonly List<(string Name, Dictionary<string, string> Labels, double Value)> samples = [];

    public PrometheusText(string text)
    {
        Text = text;
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Where(l => !l.StartsWith('#')))
        {
            var brace = line.IndexOf('{', StringComparison.Ordinal);
            var space = line.LastIndexOf(' ');
            var name = brace < 0 ? line[..space] : line[..brace];
            var labels = new Dictionary<string, string>(StringComparer.Ordinal);
            if (brace >= 0)
            {
                var body = line[(brace + 1)..line.LastIndexOf('}')];
                foreach (System.Text.RegularExpressions.Match match in System.Text.RegularExpressions.Regex.Matches(body, "([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\""))
                {
                    labels[match.Groups[1].Value] = match.Groups[2].Value;
                }
            }

            samples.Add((name, labels, double.Parse(line[(space + 1)..], System.Globalization.CultureInfo.InvariantCulture)));
        }
    }

    public string Text { get; }

    /// <summary>The samples of <paramref name="name"/> whose labels include <paramref name="labels"/> (name=value pairs).</summary>
    public IReadOnlyList<double> Values(string name, params (string Name, string Value)[] labels) =>
        [.. samples.Where(s => s.Name == name && labels.All(l => s.Labels.TryGetValue(l.Name, out var v) && v == l.Value)).Select(s => s.Value)];

    /// <summary>The one sample of <paramref name="name"/> with <paramref name="labels"/>; fails naming what is there otherwise.</summary>
    public double Value(string name, params (string Name, string Value)[] labels)
    {
        var values = Values(name, labels);
        values.Count.ShouldBe(1, $"{name} {string.Join(",", labels)} in:\n{Text}");
        return values[0];
    }
}
