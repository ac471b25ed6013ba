namespace Lakehouse.Configuration;

/// <summary>
/// The configuration cannot be used as it is. The message names the key (or file) and the fix;
/// the CLI prints it without a stack trace and exits 2.
/// </summary>
internal sealed class ConfigurationException(string message, Exception? inner = null) : LakehouseException(message, inner)
{
    public override LakehouseStage Stage => LakehouseStage.Configuration;

    public override bool IsUsageError => true;
}
