namespace Lakehouse.Alerts;

/// <summary>What an alert is about; one open incident per kind and subject at a time.</summary>
internal enum AlertKind
{
    /// <summary>A run's dataset (or its gold build) failed.</summary>
    RunFailed,

    /// <summary>A scheduled dataset has landed nothing new for too long.</summary>
    DatasetStale,

    /// <summary>A source's API requests failed several times in a row.</summary>
    SourceFailing,

    /// <summary>A run has been going for longer than the limit.</summary>
    RunTooLong,
}

/// <summary>One post: an incident opening, or its recovery.</summary>
/// <param name="Kind">What it is about.</param>
/// <param name="Subject">The dataset, source or run it is about.</param>
/// <param name="Resolved">False when the incident opens, true for its recovery.</param>
/// <param name="Text">The message, in words (Slack's <c>text</c>).</param>
/// <param name="At">When it was raised.</param>
internal sealed record Alert(AlertKind Kind, string Subject, bool Resolved, string Text, DateTimeOffset At);
