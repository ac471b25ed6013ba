using System.Data;
using System.Data.Common;
using System.Diagnostics.CodeAnalysis;
using System.Numerics;

namespace Lakehouse.DuckDb;

/// <summary>
/// A value for a <c>$name</c>, <c>$1</c> or <c>?</c> placeholder. Unnamed parameters bind by position in the
/// collection; named ones by name, with or without the leading <c>$</c>. The DuckDB type follows the CLR type of
/// <see cref="Value"/> (see <see cref="DuckDbCommand"/> for the mapping); <see cref="DbType"/> is informational.
/// </summary>
public sealed class DuckDbParameter : DbParameter
{
    private string parameterName = string.Empty;
    private string sourceColumn = string.Empty;
    private DbType? dbType;

    public DuckDbParameter()
    {
    }

    public DuckDbParameter(object? value)
    {
        Value = value;
    }

    public DuckDbParameter(string? parameterName, object? value)
    {
        ParameterName = parameterName;
        Value = value;
    }

    public override DbType DbType
    {
        get => dbType ?? InferDbType(Value);
        set => dbType = value;
    }

    /// <summary>Only input parameters exist in DuckDB.</summary>
    public override ParameterDirection Direction
    {
        get => ParameterDirection.Input;
        set
        {
            if (value != ParameterDirection.Input)
            {
                throw new NotSupportedException("DuckDB parameters are input only.");
            }
        }
    }

    public override bool IsNullable { get; set; }

    [AllowNull]
    public override string ParameterName
    {
        get => parameterName;
        set => parameterName = value ?? string.Empty;
    }

    [AllowNull]
    public override string SourceColumn
    {
        get => sourceColumn;
        set => sourceColumn = value ?? string.Empty;
    }

    public override bool SourceColumnNullMapping { get; set; }

    public override object? Value { get; set; }

    public override int Size { get; set; }

    /// <summary>The name as DuckDB knows it (no <c>$</c>), or empty for a positional parameter.</summary>
    internal string BindingName => NormaliseName(parameterName);

    public override void ResetDbType() => dbType = null;

    internal static string NormaliseName(string? name) => (name ?? string.Empty).Trim().TrimStart('$');

    private static DbType InferDbType(object? value) => value switch
    {
        bool => DbType.Boolean,
        sbyte => DbType.SByte,
        byte => DbType.Byte,
        short => DbType.Int16,
        ushort => DbType.UInt16,
        int => DbType.Int32,
        uint => DbType.UInt32,
        long => DbType.Int64,
        ulong => DbType.UInt64,
        float => DbType.Single,
        double => DbType.Double,
        decimal or BigInteger or Int128 or UInt128 => DbType.Decimal,
        DateOnly => DbType.Date,
        TimeOnly => DbType.Time,
        DateTime => DbType.DateTime2,
        DateTimeOffset => DbType.DateTimeOffset,
        Guid => DbType.Guid,
        byte[] => DbType.Binary,
        _ => DbType.String,
    };
}
