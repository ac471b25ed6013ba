namespace Lakehouse.Gold;

/// <summary>
/// A gold build that passed its data tests, in a closed, checkpointed file of its own beside the gold path: ready to
/// be published to the lake and switched in. Disposed before <see cref="SwitchAsync"/>, it is deleted and the previous
/// gold stays.
/// </summary>
internal sealed class StagedGold(string path, string goldPath, string buildId, GoldBuildResult result) : IAsyncDisposable
{
    private bool switched;

    /// <summary>The new gold file (a work file until switched in).</summary>
    public string Path { get; } = path;

    /// <summary>The build's id, also in its <c>meta_build</c>.</summary>
    public string BuildId { get; } = buildId;

    /// <summary>Rows per table, and what the build did.</summary>
    public GoldBuildResult Result { get; } = result;

    /// <summary>Makes the new file the gold, atomically; readers of the old one keep it until they close it.</summary>
    public async Task SwitchAsync(CancellationToken ct)
    {
        if (switched)
        {
            throw new InvalidOperationException($"The gold build {BuildId} was switched in or discarded already.");
        }

        await LocalGold.SwitchAsync(Path, goldPath, ct);
        switched = true;
    }

    public ValueTask DisposeAsync()
    {
        if (!switched)
        {
            LocalGold.DeleteWorkFile(Path);
            switched = true;
        }

        return ValueTask.CompletedTask;
    }
}
