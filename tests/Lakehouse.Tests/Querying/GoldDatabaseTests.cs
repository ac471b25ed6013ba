using Lakehouse.Querying;
using Lakehouse.Tests.Support;

namespace Lakehouse.Tests.Querying;

public sealed class GoldDatabaseTests : IDisposable
{
    private readonly TempDirectory work = new();
    private readonly string path;

    public GoldDatabaseTests()
    {
        path = work.Combine("gold.duckdb");
        using var connection = DuckDbTestConnections.OpenFile(path);
        connection.Execute("CREATE TABLE fact_launch AS SELECT 1 AS launch_key");
    }

    public void Dispose() => work.Dispose();

    [Fact]
    public async Task A_reader_waits_for_a_build_that_holds_the_file_and_then_reads()
    {
        // Given another process (a pipeline build) holding the gold file, releasing it shortly
        var foreignLock = new ForeignFileLock(path);
        var release = Task.Run(async () =>
        {
            await Task.Delay(300);
            foreignLock.Dispose();
        });

        // When a query opens gold meanwhile
        await using var connection = await GoldDatabase.OpenReadOnlyAsync(path, TimeSpan.FromSeconds(10), TimeProvider.System, CancellationToken.None);
        await release;

        // Then it got in once the build let go
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM fact_launch";
        command.ExecuteScalar().ShouldBe(1L);
    }

    [Fact]
    public async Task A_reader_gives_up_after_the_wait_with_a_message_that_says_why()
    {
        using var foreignLock = new ForeignFileLock(path);

        var error = await Should.ThrowAsync<GoldDatabaseException>(
            () => GoldDatabase.OpenReadOnlyAsync(path, TimeSpan.FromMilliseconds(300), TimeProvider.System, CancellationToken.None));

        error.IsMissing.ShouldBeFalse();
        error.Message.ShouldContain("is being written by another process");
        error.Message.ShouldContain("Try again when the run has finished");
    }
}
