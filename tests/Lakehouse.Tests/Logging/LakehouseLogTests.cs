using System.Text.Json;
using Lakehouse.Configuration;
using Lakehouse.Logging;
using Lakehouse.Tests.Support;
using Microsoft.Extensions.Logging;
using Serilog.Extensions.Logging;

namespace Lakehouse.Tests.Logging;

public sealed class LakehouseLogTests : IDisposable
{
    private readonly TempDirectory work = new();

    public void Dispose() => work.Dispose();

    [Fact]
    public void The_log_file_holds_json_lines_with_run_id_source_and_dataset_as_properties()
    {
        // Given a logger writing JSON lines to a file
        var options = new LoggingOptions { Level = "Information", File = work.Combine("logs", "lakehouse-.jsonl") };
        using (var serilog = LakehouseLog.Create(options, new LakehouseSecrets()))
        using (var factory = new LoggerFactory([new SerilogLoggerProvider(serilog)]))
        {
            var logger = factory.CreateLogger("Lakehouse.Tests");

            // When a message is logged inside a run's scope
            using (logger.BeginScope(new Dictionary<string, object> { ["RunId"] = "20261122T080000-ab12" }))
            {
                logger.LogInformation("Landed {Objects} objects for {Source}.{Dataset}", 3, "spacex", "launches");
            }
        }

        // Then the line is JSON with each value as a property of its own
        var line = File.ReadAllLines(Directory.GetFiles(work.Combine("logs")).Single()).Single();
        using var json = JsonDocument.Parse(line);
        var properties = json.RootElement.GetProperty("Properties");
        properties.GetProperty("RunId").GetString().ShouldBe("20261122T080000-ab12");
        properties.GetProperty("Source").GetString().ShouldBe("spacex");
        properties.GetProperty("Dataset").GetString().ShouldBe("launches");
        properties.GetProperty("Objects").GetInt32().ShouldBe(3);
        json.RootElement.GetProperty("Level").GetString().ShouldBe("Information");
    }

    [Fact]
    public void A_secret_inside_a_logged_value_is_replaced_by_a_marker()
    {
        var options = new LoggingOptions { Level = "Information", File = work.Combine("logs", "lakehouse-.jsonl") };
        var secrets = LakehouseSecrets.ForSource("NASA_API_KEY", "abcdefghij0123456789");
        using (var serilog = LakehouseLog.Create(options, secrets))
        using (var factory = new LoggerFactory([new SerilogLoggerProvider(serilog)]))
        {
            factory.CreateLogger("Lakehouse.Tests").LogWarning("GET {Url} failed", "https://api.nasa.gov/neo/rest/v1/feed?api_key=abcdefghij0123456789");
        }

        var text = File.ReadAllText(Directory.GetFiles(work.Combine("logs")).Single());
        text.ShouldNotContain("abcdefghij0123456789");
        text.ShouldContain("api_key=***");
    }
}
