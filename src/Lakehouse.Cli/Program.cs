using Lakehouse.Cli;

using var shutdown = new ShutdownSignals();
return await LakehouseCli.RunAsync(args, CliConsole.ForProcess(), shutdown.Token);
