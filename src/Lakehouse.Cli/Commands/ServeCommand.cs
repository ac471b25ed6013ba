using System.CommandLine;
using Lakehouse.Configuration;
using Lakehouse.Web;

namespace Lakehouse.Cli.Commands;

/// <summary><c>lakehouse serve</c>: web pages to look at the lake (datasets, runs, lineage, gold and a SQL box, charts).</summary>
internal static class ServeCommand
{
    public static Command Create(CliConsole console)
    {
        var port = new Option<int>("--port", "-p")
        {
            Description = "The TCP port to listen on (0 takes a free one).",
            DefaultValueFactory = _ => LakehouseWebHost.DefaultPort,
            HelpName = "N",
        };
        port.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is < 0 or > ushort.MaxValue)
            {
                result.AddError("--port must be between 0 and 65535.");
            }
        });
        var host = new Option<string>("--host")
        {
            Description = "The address to listen on. The default is loopback, this machine only; 0.0.0.0 opens the pages (and the SQL box over gold) to the network.",
            DefaultValueFactory = _ => LakehouseWebHost.DefaultHost,
            HelpName = "H",
        };
        host.Validators.Add(result =>
        {
            // A name other than localhost would make Kestrel listen on every interface: only addresses are taken.
            if (result.GetValueOrDefault<string>() is { } value && value != "localhost" && !System.Net.IPAddress.TryParse(value, out _))
            {
                result.AddError($"--host {value}: give an IP address of this machine (127.0.0.1, ::1, 0.0.0.0 for every interface) or localhost.");
            }
        });
        var lake = new Option<string?>("--lake")
        {
            Description = "Serve the folder lake FOLDER (e.g. lake/demo, which 'lakehouse demo' builds) and its gold FOLDER/gold/lakehouse.duckdb, instead of the configured lake.",
            HelpName = "FOLDER",
        };
        lake.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string?>() is { Length: > 0 } folder && Storage.FileSystemObjectStore.FindRootProblem(folder) is { } problem)
            {
                result.AddError($"--lake {folder} is refused: {problem}");
            }
        });

        var command = new Command(
            "serve",
            "Serve web pages to look at the lake until Ctrl-C or SIGTERM: Datasets (freshness, last run, rows per layer), Runs " +
            "(history and charts), Lineage, Gold (tables, and a read-only SQL box with downloads as CSV, Parquet or Arrow) and " +
            "Charts of the data. Reads the lake only; works offline.")
        {
            port, host, lake,
        };
        command.SetAction(async (parseResult, ct) =>
        {
            var overrides = new Dictionary<string, string?>();
            if (parseResult.GetValue(lake) is { Length: > 0 } folder)
            {
                var root = Path.GetFullPath(folder);
                if (!Directory.Exists(root))
                {
                    throw new UsageException($"--lake {folder}: no such folder. 'lakehouse demo' builds one at lake/demo.");
                }

                overrides["Lakehouse:Storage:Kind"] = "FileSystem";
                overrides["Lakehouse:Storage:Root"] = root;
                overrides["Lakehouse:Gold:DatabasePath"] = Path.Combine(root, "gold", "lakehouse.duckdb");
            }

            var configuration = LakehouseConfiguration.ForProcess(parseResult.GetValue(CommandServices.ConfigOption), overrides);
            var (address, portNumber) = (parseResult.GetValue(host)!, parseResult.GetValue(port));
            await using var app = LakehouseWebHost.Build(configuration, address, portNumber);
            await LakehouseWebHost.StartAsync(app, address, portNumber, ct);
            await console.Error.WriteLineAsync($"Serving {LakehouseWebHost.Describe(configuration)} at {LakehouseWebHost.Address(app)} (open it in a browser; Ctrl-C stops).");
            try
            {
                await Task.Delay(Timeout.Infinite, ct);
            }
            catch (OperationCanceledException)
            {
                // Ctrl-C or SIGTERM: the way to stop serving, so not a failure.
            }

            // Requests under way get a moment to finish; a query among them is interrupted by its request's abort.
            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await app.StopAsync(grace.Token);
            await console.Error.WriteLineAsync("Stopped.");
            return ExitCodes.Success;
        });
        return command;
    }
}
