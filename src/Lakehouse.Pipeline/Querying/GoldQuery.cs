using System.Globalization;
using DuckDB.NET.Data;
using Lakehouse.DuckDb;

namespace Lakehouse.Querying;

/// <summary>What <c>lakehouse query</c> does: open gold read-only, refuse anything but reads, stream the result.</summary>
internal sealed class GoldQuery(TimeProvider time)
{
    /// <summary>How long to wait for a pipeline run that holds the gold file before giving up.</summary>
    public TimeSpan LockWait { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Runs <paramref name="sql"/> (one or more read-only statements) and writes the last one's result to
    /// <paramref name="output"/>. <see cref="ResultFormat.Parquet"/> needs a file: see <see cref="RunToFileAsync"/>.
    /// </summary>
    /// <returns>The number of rows written.</returns>
    public async Task<long> RunAsync(string databasePath, string sql, ResultFormat format, Stream output, QueryOutputOptions options, CancellationToken cancellationToken)
    {
        if (format == ResultFormat.Parquet)
        {
            throw new QueryRefusedException("--format parquet writes a file: add --output FILE.");
        }

        await using var connection = await GoldDatabase.OpenReadOnlyAsync(databasePath, LockWait, time, cancellationToken);
        try
        {
            var last = RunAllButLast(connection, sql, cancellationToken);
            return await WriteResultAsync(connection, last, format, output, options, cancellationToken);
        }
        catch (DuckDBException ex) when (cancellationToken.IsCancellationRequested)
        {
            // An interrupt can surface as DuckDB's "INTERRUPT Error" from whichever step was running.
            throw new OperationCanceledException("The query was interrupted.", ex, cancellationToken);
        }
    }

    /// <summary>
    /// Like <see cref="RunAsync"/>, into the file <paramref name="outputPath"/>, which appears only once it is
    /// complete: the result is written beside it first, and a failed or cancelled query leaves an existing file as
    /// it was.
    /// </summary>
    /// <returns>The number of rows written.</returns>
    public async Task<long> RunToFileAsync(string databasePath, string sql, ResultFormat format, string outputPath, QueryOutputOptions options, CancellationToken cancellationToken)
    {
        var target = Path.GetFullPath(outputPath);
        var partial = Path.Combine(
            Path.GetDirectoryName(target)!,
            $".{Path.GetFileName(target)}.{Guid.NewGuid().ToString("N")[..8]}.partial");
        try
        {
            long rows;
            await using (var connection = await GoldDatabase.OpenReadOnlyAsync(
                databasePath, LockWait, time, cancellationToken, writablePath: format == ResultFormat.Parquet ? partial : null))
            {
                var last = RunAllButLast(connection, sql, cancellationToken);
                if (format == ResultFormat.Parquet)
                {
                    rows = CopyToParquet(connection, last, partial, cancellationToken);
                }
                else
                {
                    await using var file = new FileStream(partial, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16);
                    rows = await WriteResultAsync(connection, last, format, file, options, cancellationToken);
                }
            }

            File.Move(partial, target, overwrite: true);
            return rows;
        }
        catch (DuckDBException ex) when (cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException("The query was interrupted.", ex, cancellationToken);
        }
        finally
        {
            File.Delete(partial);
        }
    }

    /// <summary>
    /// One page of the last statement's result: rows <paramref name="offset"/> to <paramref name="offset"/> +
    /// <paramref name="count"/> - 1, as the table format shows them, behind the same guard and lock-down as every
    /// other format. A query is run as <c>LIMIT count + 1 OFFSET offset</c> over it, so memory stays that of one
    /// page however large the result (the extra row says whether there are more).
    /// </summary>
    public async Task<ResultPage> ReadPageAsync(string databasePath, string sql, long offset, int count, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        await using var connection = await GoldDatabase.OpenReadOnlyAsync(databasePath, LockWait, time, cancellationToken);
        try
        {
            var last = RunAllButLast(connection, sql, cancellationToken);
            var columns = ResultColumns.Describe(connection, last);
            using var command = connection.CreateCommand();
            var skip = offset;
            if (columns is not null)
            {
                command.CommandText = string.Create(
                    CultureInfo.InvariantCulture, $"SELECT * FROM (\n{columns?.Rewrite(json: false) ?? last.AsQuery}\n) LIMIT {count + 1} OFFSET {offset}");
                skip = 0;
            }
            else
            {
                // EXPLAIN and PRAGMA cannot stand in FROM, and a query DuckDB cannot describe will not bind: run as
                // written, so that DuckDB's error points into the user's own text. Rows before the page are skipped as
                // they stream by.
                command.CommandText = last.Text;
            }

            command.UseStreamingMode = true;
            using var interrupt = command.InterruptOn(cancellationToken);
            cancellationToken.ThrowIfCancellationRequested();
            await using var reader = command.ExecuteReader();
            var kinds = Cell.KindsOf(reader);
            var names = Enumerable.Range(0, kinds.Length).Select(reader.GetName).ToArray();
            var rows = new List<string?[]>(Math.Min(count, 1000));
            var buffer = new MemoryStream();
            var more = false;
            while (reader.Read())
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (skip > 0)
                {
                    skip--;
                    continue;
                }

                if (rows.Count == count)
                {
                    more = true;
                    break;
                }

                var cells = new string?[kinds.Length];
                for (var i = 0; i < kinds.Length; i++)
                {
                    cells[i] = reader.IsDBNull(i) ? null : TableResultWriter.TextOf(reader, i, kinds[i], buffer);
                }

                rows.Add(cells);
            }

            return new ResultPage(names, [.. kinds.Select(TableResultWriter.IsNumeric)], rows, offset, more);
        }
        catch (DuckDBException ex) when (cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException("The query was interrupted.", ex, cancellationToken);
        }
    }

    private static ReadStatement RunAllButLast(DuckDBConnection connection, string sql, CancellationToken cancellationToken)
    {
        var statements = ReadOnlySql.Check(connection, sql);
        foreach (var statement in statements.Take(statements.Count - 1))
        {
            connection.Execute(statement.Text, cancellationToken);
        }

        return statements[^1];
    }

    private static async Task<long> WriteResultAsync(
        DuckDBConnection connection, ReadStatement statement, ResultFormat format, Stream output, QueryOutputOptions options, CancellationToken cancellationToken)
    {
        var columns = format == ResultFormat.Arrow ? null : ResultColumns.Describe(connection, statement);
        int[]? textOf = null;
        using var command = connection.CreateCommand();
        command.CommandText = (format == ResultFormat.Csv ? columns?.RewriteForCsv(out textOf) : columns?.Rewrite(format == ResultFormat.Json)) ?? statement.Text;

        // Without it DuckDB.NET materialises the whole result before the first row.
        command.UseStreamingMode = true;

        // DuckDB.NET's async methods block, and it ignores CommandTimeout: Cancel is what interrupts DuckDB.
        using var interrupt = command.InterruptOn(cancellationToken);

        // A signal that came before the statement started would interrupt nothing: DuckDB clears the flag per query.
        // (One that comes while it is being prepared is repeated until it lands: see InterruptOn.)
        cancellationToken.ThrowIfCancellationRequested();
        if (format == ResultFormat.Arrow)
        {
            return await ArrowResultWriter.WriteAsync(command, output, cancellationToken);
        }

        await using var reader = command.ExecuteReader();
        return format switch
        {
            ResultFormat.Csv => CsvResultWriter.Write(reader, output, cancellationToken, textOf),
            ResultFormat.Json => JsonResultWriter.Write(reader, output, columns?.RawJson, cancellationToken),
            _ => TableResultWriter.Write(reader, output, options.MaxRows, options.Width, cancellationToken),
        };
    }

    /// <summary>DuckDB writes the Parquet itself (its writer keeps every type: decimals, dates, lists, structs).</summary>
    private static long CopyToParquet(DuckDBConnection connection, ReadStatement statement, string path, CancellationToken cancellationToken)
    {
        if (statement.AsQuery is null)
        {
            throw new QueryRefusedException(
                "--format parquet writes the result of a query (SELECT, FROM, CALL ...); an EXPLAIN or a PRAGMA has no table to write. Use --format csv for it.");
        }

        using var command = connection.CreateCommand();
        command.CommandText = string.Create(
            CultureInfo.InvariantCulture,
            $"COPY (\n{statement.AsQuery}\n) TO '{path.Replace("'", "''", StringComparison.Ordinal)}' (FORMAT parquet, COMPRESSION zstd)");
        using var interrupt = command.InterruptOn(cancellationToken);
        cancellationToken.ThrowIfCancellationRequested();
        return command.ExecuteNonQuery();
    }
}

/// <summary>One page of a result, as text (null for NULL).</summary>
/// <param name="Columns">The result's column names.</param>
/// <param name="Numeric">Per column, whether it holds numbers (shown right-aligned).</param>
/// <param name="Rows">The page's rows.</param>
/// <param name="Offset">The position of the page's first row in the result (0 for the first).</param>
/// <param name="HasMore">Whether rows follow this page.</param>
internal sealed record ResultPage(IReadOnlyList<string> Columns, IReadOnlyList<bool> Numeric, IReadOnlyList<string?[]> Rows, long Offset, bool HasMore);

/// <summary>Settings of the table format.</summary>
internal sealed record QueryOutputOptions(int MaxRows = 1000, int Width = 200);
