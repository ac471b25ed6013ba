using System.Text;

namespace Lakehouse.Gold;

/// <summary>One data test that found rows breaking it.</summary>
/// <param name="Model">The gold table the test is declared on.</param>
/// <param name="Test">The declaration as written in the model, e.g. <c>unique(launch_key)</c>.</param>
/// <param name="FailingRowCount">How many rows the test's query returned.</param>
/// <param name="SampleRows">Up to five of those rows, as <c>column=value</c> lists.</param>
internal sealed record DataTestFailure(string Model, string Test, long FailingRowCount, IReadOnlyList<string> SampleRows);

/// <summary>
/// Gold's data tests found bad rows, so the build was rolled back and the previous gold is still the published one.
/// The message names each failing test and its model and shows up to five failing rows of each.
/// </summary>
internal sealed class GoldDataTestException : LakehouseException
{
    public override LakehouseStage Stage => LakehouseStage.Model;

    public GoldDataTestException(IReadOnlyList<DataTestFailure> failures)
        : base(Describe(failures))
    {
        if (failures.Count == 0)
        {
            throw new ArgumentException("A data test exception needs at least one failure.", nameof(failures));
        }

        Failures = failures;
    }

    /// <summary>Every failing test, in build order.</summary>
    public IReadOnlyList<DataTestFailure> Failures { get; }

    /// <summary>The model of the first failing test.</summary>
    public string Model => Failures[0].Model;

    /// <summary>The first failing test's declaration.</summary>
    public string Test => Failures[0].Test;

    private static string Describe(IReadOnlyList<DataTestFailure> failures)
    {
        var text = new StringBuilder();
        text.Append(failures.Count == 1 ? "A gold data test failed" : $"{failures.Count} gold data tests failed")
            .Append("; the build was rolled back and the previous gold is kept.");
        foreach (var failure in failures)
        {
            text.Append('\n').Append($"{failure.Model}: {failure.Test} — {failure.FailingRowCount} failing row(s)");
            if (failure.FailingRowCount > failure.SampleRows.Count)
            {
                text.Append($", the first {failure.SampleRows.Count}");
            }

            text.Append(':');
            foreach (var row in failure.SampleRows)
            {
                text.Append("\n  ").Append(row);
            }
        }

        return text.ToString();
    }
}
