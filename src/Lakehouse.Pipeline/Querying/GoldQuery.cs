namespace Lakehouse.Querying;

/// <summary>What <c>lakehouse query</c> does: open gold read-only, refuse anything but reads, stream the result.</summary>
internal sealed class GoldQuery(TimeProvider time)
{
    /// <summary>How long to wait for a pipeline run that holds the gold file before giving up.</summary>
    public TimeSpan LockWait { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Runs <paramref name="sql"/> (one or more read-only statements) and writes the last one's result.</summary>
    /// <returns>The number of rows written.</returns>
    public async Task<long> RunAsync(string databasePath, string sql, ResultFormat format, Stream output, QueryOutputOptions options, CancellationToken cancellationToken)
    {
        await using var connection = await GoldDatabase.OpenReadOnlyAsync(databasePath, LockWait, time, cancellationToken);
        ReadOnlySql.EnsureReadOnly(connection, sql);

        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await using var registration = cancellationToken.Register(command.Cancel);

        // A signal that came before the statement started would interrupt nothing: DuckDB clears the flag per query.
        cancellationToken.ThrowIfCancellationRequested();
        await using var reader = command.ExecuteReader();
        return format switch
        {
            ResultFormat.Csv => CsvResultWriter.Write(reader, output, cancellationToken),
            ResultFormat.Json => JsonResultWriter.Write(reader, output, cancellationToken),
            _ => TableResultWriter.Write(reader, output, options.MaxRows, options.Width, cancellationToken),
        };
    }
}

/// <summary>Settings of the table format.</summary>
internal sealed record QueryOutputOptions(int MaxRows = 1000, int Width = 200);
