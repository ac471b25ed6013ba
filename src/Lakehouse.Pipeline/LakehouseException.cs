namespace Lakehouse;

/// <summary>
/// The error model: every failure Lakehouse expects derives from this type and carries where it happened
/// (<see cref="Stage"/>, <see cref="Dataset"/>, <see cref="RunId"/>) and how to treat it. Behaviour comes from the
/// properties, never from the type's name: the CLI exits 2 for <see cref="IsUsageError"/> and 1 for the rest, the
/// scheduler leaves a <see cref="IsTransient"/> failure to the next fire. The message is the one line a user sees and
/// names the fix; the stack trace goes to the JSON log only.
/// </summary>
/// <remarks>
/// Three of our exceptions keep another base because callers rely on it: <c>LakeLeaseLostException</c> is an
/// <see cref="OperationCanceledException"/> (every stage stops on it as on Ctrl-C), <c>InvalidObjectKeyException</c>
/// an <see cref="ArgumentException"/> (a caller's bug), and the CLI's <c>OutputClosedException</c> an
/// <see cref="IOException"/>. Third-party exceptions a user can cause (DuckDB, I/O, a full disk) are translated in
/// one place, <see cref="LakehouseFailure.Translate"/>.
/// </remarks>
internal abstract class LakehouseException : Exception
{
    protected LakehouseException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }

    /// <summary>The stage the failure happened in.</summary>
    public virtual LakehouseStage Stage => LakehouseStage.Unknown;

    /// <summary>The dataset involved (<c>spacex.launches</c>), when there was one.</summary>
    public string? Dataset { get; internal set; }

    /// <summary>The run the failure happened in, when there was one.</summary>
    public string? RunId { get; internal set; }

    /// <summary>True when the same operation may succeed later unchanged (a server down, a lock held, a timeout).</summary>
    public virtual bool IsTransient => false;

    /// <summary>True when the user must change the command line or the configuration; nothing was done (exit code 2).</summary>
    public virtual bool IsUsageError => false;

    /// <summary>Records the dataset and run a failure happened in, when it is ours and a deeper frame did not already.</summary>
    internal static void Tag(Exception exception, string dataset, string? runId)
    {
        if (exception is LakehouseException ours)
        {
            ours.Dataset ??= dataset;
            ours.RunId ??= runId;
        }
    }

    /// <summary>Records the run a failure outside any one dataset happened in (the model step), unless a deeper frame did.</summary>
    internal static void TagRun(Exception exception, string runId)
    {
        if (exception is LakehouseException ours)
        {
            ours.RunId ??= runId;
        }
    }
}

/// <summary>Where in the flow a failure happened: a log property, and a word in messages.</summary>
internal enum LakehouseStage
{
    Unknown,
    Configuration,
    CommandLine,
    Land,
    Transform,
    Model,
    Query,
    Storage,
    Lake,
    Schedule,
}

/// <summary>
/// A failure of a third-party component that a user can cause or meet in operation (a full disk, a folder without
/// write permission, a DuckDB file that another program holds), in our words.
/// </summary>
internal sealed class LakehouseFailure(string message, LakehouseStage stage, bool isTransient, Exception innerException)
    : LakehouseException(message, innerException)
{
    public override LakehouseStage Stage { get; } = stage;

    public override bool IsTransient { get; } = isTransient;

    /// <summary>Linux's <c>ENOSPC</c> (.NET puts the errno in the HResult), and Windows' <c>ERROR_DISK_FULL</c>/<c>ERROR_HANDLE_DISK_FULL</c>.</summary>
    private static readonly int[] DiskFullCodes = [28, unchecked((int)0x80070070), unchecked((int)0x80070027), 0x70, 0x27];

    /// <summary>
    /// The one place third-party exceptions become ours: null when <paramref name="exception"/> is not one we expect
    /// (a bug, which the CLI reports as such).
    /// </summary>
    public static LakehouseException? Translate(Exception exception) => exception switch
    {
        LakehouseException ours => ours,
        AggregateException { InnerExceptions.Count: 1 } aggregate => Translate(aggregate.InnerExceptions[0]),
        IOException io when IsDiskFull(io) => new LakehouseFailure(
            $"The disk is full: {io.Message}. Free some space (or point Lakehouse:Storage:Root and Lakehouse:Pipeline:WorkDirectory " +
            "at a larger disk) and run again; nothing committed was lost.", LakehouseStage.Storage, isTransient: false, io),
        UnauthorizedAccessException denied => new LakehouseFailure(
            $"Permission denied: {denied.Message}. Give this user write access to the lake's folder, or point Lakehouse:Storage:Root elsewhere.",
            LakehouseStage.Storage, isTransient: false, denied),
        IOException io => new LakehouseFailure($"{io.Message}. Check the disk and the lake's folder, then run again.", LakehouseStage.Storage, isTransient: true, io),
        DuckDB.NET.Data.DuckDBException duck => new LakehouseFailure(
            duck.Message, LakehouseStage.Unknown, DuckDb.DuckDbConnections.IsTransient(duck), duck),
        _ => null,
    };

    private static bool IsDiskFull(IOException io) =>
        DiskFullCodes.Contains(io.HResult) || io.Message.Contains("No space left on device", StringComparison.OrdinalIgnoreCase);
}
