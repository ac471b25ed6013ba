using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Lakehouse.Cli;
using Lakehouse.Tests.Support;

namespace Lakehouse.Tests.Cli;

/// <summary>
/// The error model as a user meets it: every command, with a failure injected at a stage, prints one line that names
/// the fix and exits with the code the failure's properties give; nothing prints "unexpected" or a stack trace.
/// </summary>
public sealed partial class FailureMessageTests : IDisposable
{
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    /// <summary>Every command that reads or writes the lake, with arguments that get it that far ('|' between arguments).</summary>
    public static TheoryData<string> LakeCommands() =>
    [
        "run|--source|spacex",
        "backfill|--source|spacex",
        "status",
        "transform|--rebuild",
        "model|--rebuild",
        "model",
        "query|SELECT count(*) FROM fact_launch",
    ];

    [Theory]
    [MemberData(nameof(LakeCommands))]
    public async Task An_s3_lake_that_is_down_fails_each_command_with_one_line_naming_the_endpoint_setting(string commandLine)
    {
        // Given an S3 lake whose server is not running (nothing listens on the port), tried once with a short timeout
        WriteConfig(new JsonObject
        {
            ["Kind"] = "S3",
            ["S3"] = new JsonObject
            {
                ["ServiceUrl"] = $"http://127.0.0.1:{ClosedPort()}", ["Bucket"] = "lakehouse",
                ["MaxAttempts"] = 1, ["RequestTimeout"] = "00:00:02", ["RetryBaseDelay"] = "00:00:00",
            },
        });

        // When the command runs
        var (exitCode, _, stderr) = await LakehouseProcess.RunAsync(temp.Path, Credentials, commandLine.Split('|'));

        // Then it fails (1: the configuration is right, the server is down) with one error line naming what to check
        exitCode.ShouldBe(1, stderr);
        var errors = ErrorLines(stderr);
        errors.Count.ShouldBe(1, stderr);
        errors[0].ShouldContain("Check Lakehouse:Storage:S3:ServiceUrl and that the server is running.");
        stderr.ShouldNotContain("unexpected");
        StackFrame().IsMatch(stderr).ShouldBeFalse(stderr);

        // And the JSON log has the failure with its stage, and the stack trace the console did not show
        var log = string.Concat(Directory.GetFiles(temp.Combine("logs"), "*.jsonl").Select(File.ReadAllText));
        log.ShouldContain("\"Stage\":\"Storage\"");
        log.ShouldContain("ObjectStoreException");
        log.ShouldContain(" at Lakehouse.");
    }

    [Theory]
    [MemberData(nameof(LakeCommands))]
    public async Task An_s3_lake_without_credentials_is_refused_naming_the_variables(string commandLine)
    {
        // Given an S3 lake and no credentials in the environment
        WriteConfig(new JsonObject { ["Kind"] = "S3", ["S3"] = new JsonObject { ["ServiceUrl"] = "http://127.0.0.1:9", ["Bucket"] = "lakehouse" } });

        // When the command runs
        var (exitCode, _, stderr) = await LakehouseProcess.RunAsync(
            temp.Path, new Dictionary<string, string> { ["AWS_ACCESS_KEY_ID"] = "", ["AWS_SECRET_ACCESS_KEY"] = "" }, commandLine.Split('|'));

        // Then it is a configuration error, before any work, naming both variables
        exitCode.ShouldBe(2, stderr);
        var errors = ErrorLines(stderr);
        errors.ShouldHaveSingleItem().ShouldContain("set the environment variables AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY");
        stderr.ShouldNotContain("unexpected");
    }

    [Theory]
    [MemberData(nameof(LakeCommands))]
    public async Task A_misspelled_variable_stops_each_command_before_it_runs_with_the_defaults(string commandLine)
    {
        // Given a folder lake and a typo in the variable meant to move it to S3
        WriteConfig(new JsonObject { ["Root"] = temp.Combine("lake") });

        // When the command runs
        var (exitCode, _, stderr) = await LakehouseProcess.RunAsync(temp.Path, new Dictionary<string, string> { ["Lakehouse__Storage__Knd"] = "S3" }, commandLine.Split('|'));

        // Then it refuses at once, naming the variable and the one meant; nothing was written
        exitCode.ShouldBe(2, stderr);
        ErrorLines(stderr).ShouldHaveSingleItem().ShouldBe(
            "error: Unknown setting 'Lakehouse__Storage__Knd' in the environment; did you mean 'Lakehouse__Storage__Kind'? Fix or remove it.");
        Directory.Exists(temp.Combine("lake")).ShouldBeFalse();
    }

    [Theory]
    [InlineData("run")]
    [InlineData("backfill")]
    public async Task An_api_that_cannot_be_reached_fails_each_dataset_with_one_line_naming_the_fix(string command)
    {
        // Given a folder lake whose SpaceX API is a port nothing listens on, tried once
        WriteConfig(new JsonObject { ["Root"] = temp.Combine("lake") });

        // When the command runs
        var (exitCode, stdout, stderr) = await LakehouseProcess.RunAsync(temp.Path, command, "--source", "spacex");

        // Then it fails (1) and each dataset's line names what to check, with no stack trace and no "unexpected"
        exitCode.ShouldBe(1, stderr);
        var failed = (stdout + stderr).Split('\n').Where(l => l.StartsWith("spacex.launches failed: ", StringComparison.Ordinal)).ToList();
        failed.ShouldHaveSingleItem(stdout + stderr).ShouldEndWith(
            "The API could not be reached: check the source's BaseUrl (http://127.0.0.1:9/) and the network, then run again.");
        (stdout + stderr).ShouldNotContain("unexpected");
        StackFrame().IsMatch(stdout + stderr).ShouldBeFalse(stderr);
    }

    [Fact]
    public async Task A_zero_lease_duration_is_a_configuration_error_not_a_crash()
    {
        // Given Leases:Duration 0, which used to end in "unexpected ArgumentOutOfRangeException"
        WriteConfig(new JsonObject { ["Root"] = temp.Combine("lake") }, leases: new JsonObject { ["Duration"] = "00:00:00" });

        var (exitCode, _, stderr) = await LakehouseProcess.RunAsync(temp.Path, "run", "--source", "spacex");

        exitCode.ShouldBe(2, stderr);
        ErrorLines(stderr).ShouldHaveSingleItem().ShouldStartWith("error: Lakehouse:Leases:Duration is 00:00:00; allowed: 00:00:01 to 1.00:00:00");
    }

    [Fact]
    public async Task A_demo_lake_at_the_file_system_root_is_refused_naming_the_option_given()
    {
        // When the demo is pointed at / (it passes --lake on as the lake's root setting)
        var result = await CliRunner.RunAsync("demo", "--lake", "/");

        // Then the message names --lake, which is what the user typed, before anything is generated
        result.ExitCode.ShouldBe(ExitCodes.UsageOrConfiguration, result.Error);
        result.Error.ShouldStartWith("error: --lake / is refused: / is the root of a file system.");
        result.Error.ShouldNotContain("Lakehouse:Storage:Root");
    }

    [Fact]
    public void A_full_disk_is_an_expected_failure_that_names_the_fix()
    {
        // Given the error the kernel gives for a full disk (writing to /dev/full returns ENOSPC)
        IOException? full = null;
        try
        {
            using var stream = new FileStream("/dev/full", FileMode.Open, FileAccess.Write, FileShare.ReadWrite, bufferSize: 0);
            stream.Write(new byte[4096]);
        }
        catch (IOException e)
        {
            full = e;
        }

        // When the CLI classifies it
        var (exitCode, message) = LakehouseCli.Classify(full.ShouldNotBeNull());

        // Then it is one line about the disk, exit code 1
        exitCode.ShouldBe(ExitCodes.Failure);
        message.ShouldStartWith("error: The disk is full: ");
        message.ShouldContain("Free some space");
        message.ShouldNotContain("unexpected");
    }

    [Fact]
    public void Exit_codes_come_from_the_failures_properties_and_anything_else_is_a_bug()
    {
        LakehouseCli.Classify(new Lakehouse.Configuration.ConfigurationException("bad key")).ShouldBe((ExitCodes.UsageOrConfiguration, "error: bad key"));
        LakehouseCli.Classify(new Lakehouse.Storage.ObjectStoreException("down", "Put", null, isTransient: true)).ShouldBe((ExitCodes.Failure, "error: down"));
        LakehouseCli.Classify(new OperationCanceledException()).ShouldBe((ExitCodes.Interrupted, "Interrupted."));
        LakehouseCli.Classify(new UnauthorizedAccessException("Access to the path '/x' is denied.")).Message
            .ShouldStartWith("error: Permission denied: Access to the path '/x' is denied.");
        LakehouseCli.Classify(new InvalidCastException("oops")).Message.ShouldStartWith("error: unexpected InvalidCastException: oops");
    }

    [Fact]
    public void Every_command_a_message_names_exists()
    {
        // Given the commands of the command line
        var commands = LakehouseCli.CreateRootCommand(new CliConsole(Stream.Null, TextWriter.Null, false, 80)).Subcommands.Select(c => c.Name).ToHashSet();

        // When every string literal of the product that says "lakehouse <word>" is read
        var named = Directory.EnumerateFiles(Path.Combine(RepositoryPaths.Root, "src"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .SelectMany(f => File.ReadLines(f).SelectMany(line => NamedCommand().Matches(line).Select(m => (File: Path.GetFileName(f), Command: m.Groups[1].Value))))
            .ToList();

        // Then each names a command that exists (a missing bucket once said "lakehouse init", which never did)
        named.ShouldNotBeEmpty();
        named.Where(n => !commands.Contains(n.Command)).ShouldBeEmpty();
    }

    private static readonly Dictionary<string, string> Credentials = new()
    {
        ["AWS_ACCESS_KEY_ID"] = "lakehouse-test",
        ["AWS_SECRET_ACCESS_KEY"] = "lakehouse-test-secret",
    };

    /// <summary>A "lakehouse word" inside a string literal (after a quote on the line), e.g. "... run 'lakehouse model --rebuild'".</summary>
    [GeneratedRegex("\"[^\"]*\\blakehouse ([a-z]+)\\b")]
    private static partial Regex NamedCommand();

    [GeneratedRegex(@"^\s+at \S+\(", RegexOptions.Multiline)]
    private static partial Regex StackFrame();

    private static List<string> ErrorLines(string stderr) =>
        [.. stderr.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.StartsWith("error:", StringComparison.Ordinal))];

    private static int ClosedPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    private void WriteConfig(JsonObject storage, JsonObject? leases = null)
    {
        var settings = new JsonObject
        {
            ["Storage"] = storage,
            ["Gold"] = new JsonObject { ["DatabasePath"] = temp.Combine("gold", "lakehouse.duckdb") },
            ["Logging"] = new JsonObject { ["Level"] = "Warning", ["File"] = temp.Combine("logs", "lakehouse-.jsonl") },
            ["Pipeline"] = new JsonObject { ["WorkDirectory"] = temp.Combine("work") },
            // No call may leave the machine: every source points at a port nothing listens on.
            ["Sources"] = new JsonObject
            {
                ["SpaceX"] = new JsonObject { ["BaseUrl"] = "http://127.0.0.1:9", ["MaxAttempts"] = 1 },
                ["Nasa"] = new JsonObject { ["BaseUrl"] = "http://127.0.0.1:9", ["MaxAttempts"] = 1 },
                ["Rawg"] = new JsonObject { ["BaseUrl"] = "http://127.0.0.1:9", ["MaxAttempts"] = 1 },
            },
        };
        if (leases is not null)
        {
            settings["Leases"] = leases;
        }

        LakehouseProcess.WriteConfig(temp.Path, settings);
    }
}
