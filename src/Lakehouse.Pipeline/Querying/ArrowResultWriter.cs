using Apache.Arrow.Ipc;
using DuckDB.NET.Data;

namespace Lakehouse.Querying;

/// <summary>
/// An Arrow IPC stream: the schema, then one record batch per DuckDB chunk (2,048 rows), as DuckDB.NET hands them
/// over through Apache.Arrow. Types are DuckDB's Arrow types: decimals stay decimal128, dates date32, timestamps
/// microseconds (with their time zone for TIMESTAMPTZ), lists and structs nested. Streams: a batch is written and
/// released before the next is fetched.
/// </summary>
internal static class ArrowResultWriter
{
    public static async Task<long> WriteAsync(DuckDBCommand command, Stream destination, CancellationToken cancellationToken)
    {
        using var batches = command.ExecuteArrowStream();
        using var writer = new ArrowStreamWriter(destination, batches.Schema, leaveOpen: true);

        // The schema goes out first, so that a result of no rows is still a valid stream with its columns.
        await writer.WriteStartAsync(cancellationToken);
        long rows = 0;
        while (true)
        {
            using var batch = await batches.ReadNextRecordBatchAsync(cancellationToken);
            if (batch is null)
            {
                break;
            }

            await writer.WriteRecordBatchAsync(batch, cancellationToken);
            rows += batch.Length;
        }

        await writer.WriteEndAsync(cancellationToken);
        await destination.FlushAsync(cancellationToken);
        return rows;
    }
}
