using Lakehouse.Tests.Support;

namespace Lakehouse.Tests.Cli;

public sealed class HelpTests
{
    [Fact]
    public async Task The_root_help_lists_the_commands()
    {
        var result = await CliRunner.RunAsync("--help");

        result.ExitCode.ShouldBe(0);
        Snapshot.Match(result.Output, "help-root");
    }

    [Fact]
    public async Task The_query_help_explains_every_option()
    {
        var result = await CliRunner.RunAsync("query", "--help");

        result.ExitCode.ShouldBe(0);
        Snapshot.Match(result.Output, "help-query");
    }

    [Theory]
    [InlineData("run")]
    [InlineData("status")]
    [InlineData("transform")]
    [InlineData("model")]
    [InlineData("demo")]
    [InlineData("backfill")]
    [InlineData("schedule")]
    [InlineData("serve")]
    public async Task Every_pipeline_command_explains_itself_and_its_options(string command)
    {
        var result = await CliRunner.RunAsync(command, "--help");

        result.ExitCode.ShouldBe(0);
        Snapshot.Match(result.Output, $"help-{command}");
    }

    [Fact]
    public async Task Version_prints_the_product_version()
    {
        var result = await CliRunner.RunAsync("--version");

        result.ExitCode.ShouldBe(0);
        result.Output.ShouldStartWith("0.1.0");
    }

    [Fact]
    public async Task An_unknown_command_is_a_usage_error_that_points_at_help()
    {
        var result = await CliRunner.RunAsync("frobnicate");

        result.ExitCode.ShouldBe(2);
        result.Error.ShouldContain("frobnicate");
        result.Error.ShouldContain("lakehouse --help");
    }
}
