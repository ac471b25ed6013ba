namespace Lakehouse.Cli;

/// <summary>The command line is wrong in a way the parser cannot see (e.g. two sources of SQL). Exit code 2.</summary>
internal sealed class UsageException(string message) : LakehouseException(message)
{
    public override LakehouseStage Stage => LakehouseStage.CommandLine;

    public override bool IsUsageError => true;
}
