using Lakehouse.Cli;

return await LakehouseCli.RunAsync(args, CliConsole.ForProcess());
