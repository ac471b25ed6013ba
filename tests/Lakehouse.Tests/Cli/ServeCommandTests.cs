using System.Net;
using System.Net.Sockets;
using Lakehouse.Cli;
using Lakehouse.Tests.Support;

namespace Lakehouse.Tests.Cli;

public sealed class ServeCommandTests : IDisposable
{
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public async Task Serve_on_a_port_in_use_says_so_in_one_line_naming_the_option_and_exits_as_a_usage_error()
    {
        // Given a port something else listens on
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;

        // When serve is asked to listen there
        var result = await CliRunner.RunAsync("serve", "--lake", temp.Path, "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture));

        // Then one line says the port is in use and how to choose another, and the exit code is the usage one
        result.ExitCode.ShouldBe(ExitCodes.UsageOrConfiguration, result.Error);
        result.Error.TrimEnd().Split('\n').ShouldHaveSingleItem()
            .ShouldBe($"error: Port {port} on 127.0.0.1 is already in use (another 'lakehouse serve'?). Choose another with --port N, e.g. --port {port + 1}.");
    }

    [Fact]
    public async Task Serve_of_a_lake_folder_that_does_not_exist_names_the_option_and_the_command_that_makes_one()
    {
        var result = await CliRunner.RunAsync("serve", "--lake", temp.Combine("missing"));

        result.ExitCode.ShouldBe(ExitCodes.UsageOrConfiguration);
        result.Error.ShouldContain("--lake");
        result.Error.ShouldContain("lakehouse demo");
    }

    [Fact]
    public async Task Serve_takes_an_address_for_host_not_a_name_that_would_open_every_interface()
    {
        var result = await CliRunner.RunAsync("serve", "--lake", temp.Path, "--host", "lake.example");

        result.ExitCode.ShouldBe(ExitCodes.UsageOrConfiguration);
        result.Error.ShouldStartWith("error: --host lake.example: give an IP address of this machine");
    }
}
