using Lakehouse.Configuration;
using Lakehouse.Sources.Nasa;
using Lakehouse.Sources.Rawg;
using Lakehouse.Storage;
using Lakehouse.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Lakehouse.Tests.Configuration;

public sealed class LakehouseConfigurationTests : IDisposable
{
    private readonly TempDirectory work = new();
    private readonly Dictionary<string, string> environment = new(StringComparer.OrdinalIgnoreCase);

    public LakehouseConfigurationTests()
    {
        // Given the committed defaults in the working directory's config folder.
        Directory.CreateDirectory(work.Combine("config"));
        File.Copy(Path.Combine(RepositoryPaths.Root, "config", "lakehouse.json"), work.Combine("config", "lakehouse.json"));
    }

    public void Dispose() => work.Dispose();

    [Fact]
    public void The_committed_defaults_give_the_embedded_lake()
    {
        var storage = Options<StorageOptions>(Build());

        storage.Kind.ShouldBe(StorageKind.FileSystem);
        storage.Root.ShouldBe("lake");
        Options<GoldOptions>(Build()).DatabasePath.ShouldBe("lake/gold/lakehouse.duckdb");
    }

    [Fact]
    public void An_environment_variable_overrides_the_json_defaults()
    {
        environment["Lakehouse__Storage__Kind"] = "S3";
        environment["Lakehouse__Storage__S3__ServiceUrl"] = "http://127.0.0.1:9000";
        environment["Lakehouse__Storage__S3__Bucket"] = "other-lake";
        environment["AWS_ACCESS_KEY_ID"] = "access-key-from-env";
        environment["AWS_SECRET_ACCESS_KEY"] = "secret-key-from-env";

        var storage = Options<StorageOptions>(Build());

        storage.Kind.ShouldBe(StorageKind.S3);
        storage.S3.Bucket.ShouldBe("other-lake");
    }

    [Fact]
    public void A_config_file_overrides_environment_variables()
    {
        environment["Lakehouse__Gold__DatabasePath"] = "from-environment.duckdb";
        var file = work.Combine("mine.json");
        File.WriteAllText(file, """{ "Lakehouse": { "Gold": { "DatabasePath": "from-file.duckdb" } } }""");

        Options<GoldOptions>(Build(file)).DatabasePath.ShouldBe("from-file.duckdb");
    }

    [Fact]
    public void The_environment_file_is_read_and_a_real_variable_wins_over_it()
    {
        File.WriteAllText(work.Combine(".env"), """
            # secrets for this machine
            export NASA_API_KEY="key-from-env-file"
            RAWG_API_KEY='rawg-from-env-file'
            Lakehouse__Gold__DatabasePath=from-env-file.duckdb
            """);
        environment["RAWG_API_KEY"] = "rawg-from-environment";

        var configuration = Build();

        // The sources declare their keys; the composition root reads them from the layered environment.
        using var provider = new ServiceCollection().AddLakehouse(configuration).BuildServiceProvider();
        var secrets = provider.GetRequiredService<LakehouseSecrets>();
        secrets.OfSource(NasaSource.ApiKeyVariable).ShouldBe("key-from-env-file");
        secrets.OfSource(RawgSource.ApiKeyVariable).ShouldBe("rawg-from-environment");
        Options<GoldOptions>(configuration).DatabasePath.ShouldBe("from-env-file.duckdb");
    }

    [Fact]
    public void A_secret_in_a_json_file_is_refused_naming_the_key()
    {
        var file = work.Combine("leaky.json");
        File.WriteAllText(file, """{ "Lakehouse": { "Storage": { "S3": { "SecretKey": "hunter2hunter2" } } } }""");

        var error = Should.Throw<ConfigurationException>(() => Build(file));

        error.Message.ShouldContain("Lakehouse:Storage:S3:SecretKey");
        error.Message.ShouldContain("AWS_SECRET_ACCESS_KEY");
        error.Message.ShouldNotContain("hunter2hunter2");
    }

    [Fact]
    public void A_missing_config_file_is_named()
    {
        var error = Should.Throw<ConfigurationException>(() => Build("nowhere.json"));

        error.Message.ShouldContain("--config nowhere.json: no such file");
    }

    [Fact]
    public void Malformed_json_is_reported_with_its_file()
    {
        var file = work.Combine("broken.json");
        File.WriteAllText(file, """{ "Lakehouse": { "Gold": { "DatabasePath": "x", } """);

        var error = Should.Throw<ConfigurationException>(() => Build(file));

        error.Message.ShouldContain("broken.json");
    }

    [Fact]
    public void An_unknown_storage_kind_names_the_key()
    {
        environment["Lakehouse__Storage__Kind"] = "Floppy";

        var error = Should.Throw<ConfigurationException>(() => Validate(Build()));

        error.Message.ShouldContain("Lakehouse:Storage:Kind");
        error.Message.ShouldContain("Floppy");
    }

    [Theory]
    [InlineData("Lakehouse__Storage__S3__ServiceUrl", "not a url", "Lakehouse:Storage:S3:ServiceUrl")]
    [InlineData("Lakehouse__Storage__S3__Bucket", "Bad_Bucket", "Lakehouse:Storage:S3:Bucket")]
    [InlineData("Lakehouse__Storage__S3__MaxAttempts", "0", "Lakehouse:Storage:S3:MaxAttempts")]
    public void Invalid_s3_settings_name_the_key_and_its_environment_variable(string variable, string value, string key)
    {
        environment["Lakehouse__Storage__Kind"] = "S3";
        environment[variable] = value;

        var error = Should.Throw<ConfigurationException>(() => Validate(Build()));

        error.Message.ShouldContain(key);
        error.Message.ShouldContain(variable);
    }

    [Fact]
    public void An_s3_lake_without_credentials_is_refused_at_start_naming_the_variables()
    {
        environment["Lakehouse__Storage__Kind"] = "S3";

        var error = Should.Throw<ConfigurationException>(() => Validate(Build()));

        error.Message.ShouldContain("S3 storage needs credentials: set the environment variables AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY");
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/etc")]
    [InlineData("/usr/")]
    public void A_lake_folder_that_is_the_file_system_root_or_a_system_folder_is_refused_at_start(string root)
    {
        environment["Lakehouse__Storage__Root"] = root;

        var error = Should.Throw<ConfigurationException>(() => Validate(Build()));

        error.Message.ShouldContain("Lakehouse:Storage:Root");
        error.Message.ShouldContain("Lakehouse__Storage__Root");
        error.Message.ShouldContain("is refused");
    }

    [Fact]
    public void An_invalid_log_level_names_the_key()
    {
        environment["Lakehouse__Logging__Level"] = "Chatty";

        var error = Should.Throw<ConfigurationException>(() => Validate(Build()));

        error.Message.ShouldContain("Lakehouse:Logging:Level");
    }

    [Fact]
    public void Secrets_come_from_the_environment_and_never_print()
    {
        environment["NASA_API_KEY"] = "nasa-secret-value";
        environment["AWS_SECRET_ACCESS_KEY"] = "aws-secret-value";

        using var provider = new ServiceCollection().AddLakehouse(Build()).BuildServiceProvider();
        var secrets = provider.GetRequiredService<LakehouseSecrets>();

        secrets.OfSource(NasaSource.ApiKeyVariable).ShouldBe("nasa-secret-value");
        secrets.S3SecretKey.ShouldBe("aws-secret-value");
        secrets.OfSource(RawgSource.ApiKeyVariable).ShouldBeNull();
        secrets.Values.ShouldBe(["aws-secret-value", "nasa-secret-value"], ignoreOrder: true);
        secrets.ToString().ShouldNotContain("secret-value");
        secrets.ToString().ShouldContain("NASA_API_KEY=(set)");
        secrets.ToString().ShouldContain("RAWG_API_KEY=(unset)");
    }

    [Fact]
    public void The_default_store_is_the_lake_folder()
    {
        using var provider = new ServiceCollection().AddLakehouse(Build()).BuildServiceProvider();

        var store = provider.GetRequiredService<IObjectStore>().ShouldBeOfType<FileSystemObjectStore>();

        store.Root.TrimEnd('/').ShouldBe(Path.GetFullPath("lake"));
    }

    [Fact]
    public void The_s3_store_takes_its_credentials_from_the_environment_and_never_shows_them()
    {
        environment["Lakehouse__Storage__Kind"] = "S3";
        environment["Lakehouse__Storage__S3__ServiceUrl"] = "http://127.0.0.1:9000";
        environment["AWS_ACCESS_KEY_ID"] = "access-key-from-env";
        environment["AWS_SECRET_ACCESS_KEY"] = "secret-key-from-env";
        using var provider = new ServiceCollection().AddLakehouse(Build()).BuildServiceProvider();

        var store = provider.GetRequiredService<IObjectStore>().ShouldBeOfType<S3ObjectStore>();

        store.Describe.ShouldBe("s3://lakehouse/ at http://127.0.0.1:9000");
        store.Describe.ShouldNotContain("key-from-env");
    }

    private LakehouseConfiguration Build(string? configFile = null) =>
        LakehouseConfiguration.Build(work.Path, work.Path, environment, configFile);

    private static void Validate(LakehouseConfiguration configuration)
    {
        using var provider = new ServiceCollection().AddLakehouse(configuration).BuildServiceProvider();
        provider.ValidateLakehouseOptions();
    }

    private static T Options<T>(LakehouseConfiguration configuration)
        where T : class
    {
        using var provider = new ServiceCollection().AddLakehouse(configuration).BuildServiceProvider();
        provider.ValidateLakehouseOptions();
        return provider.GetRequiredService<IOptions<T>>().Value;
    }
}
