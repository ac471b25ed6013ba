using System.Text.Json.Nodes;

namespace Lakehouse.Tests.Support;

/// <summary>
/// A complete <c>Lakehouse</c> configuration for a scheduler process over a temp folder lake and a local SpaceX
/// server: short leases and waits, so the tests see take-overs in seconds, not minutes.
/// </summary>
internal static class ScheduleSettings
{
    public static JsonObject For(string root, Uri api, JsonObject jobs, Action<JsonObject>? scheduling = null)
    {
        var schedule = new JsonObject
        {
            ["Store"] = "Memory",
            ["ShutdownGracePeriod"] = "00:00:20",
            ["IdleWaitTime"] = "00:00:01",
            ["MisfireThreshold"] = "00:00:30",
            ["Jobs"] = jobs,
        };
        scheduling?.Invoke(schedule);
        return new JsonObject
        {
            ["Storage"] = new JsonObject { ["Kind"] = "FileSystem", ["Root"] = Path.Combine(root, "lake") },
            ["Gold"] = new JsonObject { ["DatabasePath"] = Path.Combine(root, "lake", "gold", "lakehouse.duckdb") },
            ["Logging"] = new JsonObject { ["Level"] = "Information", ["File"] = "" },
            ["Sources"] = new JsonObject
            {
                ["SpaceX"] = new JsonObject
                {
                    ["BaseUrl"] = api.ToString(),
                    ["RetryBaseDelay"] = "00:00:00.010",
                    ["RetryMaxDelay"] = "00:00:01",
                    ["RequestTimeout"] = "00:00:10",
                    ["MaxAttempts"] = 2,
                    ["RequestsPerSecond"] = 1000,
                    ["Burst"] = 100,
                },
            },
            ["Scheduling"] = schedule,
            ["Leases"] = new JsonObject { ["Duration"] = "00:00:03", ["DatasetWait"] = "00:00:06", ["GoldWait"] = "00:00:20", ["PollInterval"] = "00:00:00.200" },
        };
    }

    public static JsonObject Jobs(params (string Dataset, string Cron)[] entries)
    {
        var jobs = new JsonObject();
        foreach (var (dataset, cron) in entries)
        {
            jobs[dataset] = cron;
        }

        return jobs;
    }
}
