using System.Globalization;
using Lakehouse.Runs;
using Lakehouse.Storage;

namespace Lakehouse.Lake;

/// <summary>
/// Where everything lives in the lake (design.md, "Lake layout"): the same keys on the folder and on S3, so copying
/// the bucket copies the whole pipeline's state.
/// </summary>
internal static class LakeKeys
{
    /// <summary><c>bronze/{source}/{dataset}/{partition}/{runId}-{seq}.json</c>: one raw response.</summary>
    public static ObjectKey Bronze(DatasetName dataset, string partition, RunId run, int seq) =>
        ObjectKey.Combine("bronze", dataset.Source, dataset.Name, partition, $"{run}-{Seq(seq)}.json");

    /// <summary>Every bronze object of a dataset, all partitions.</summary>
    public static string BronzePrefix(DatasetName dataset) => $"bronze/{dataset.Source}/{dataset.Name}/";

    /// <summary>The landing manifest entry of one bronze object, under the same name.</summary>
    public static ObjectKey Manifest(DatasetName dataset, string partition, RunId run, int seq) =>
        ObjectKey.Combine("_meta", "manifests", dataset.Source, dataset.Name, partition, $"{run}-{Seq(seq)}.json");

    public static string ManifestPrefix(DatasetName dataset) => $"_meta/manifests/{dataset.Source}/{dataset.Name}/";

    /// <summary>A dataset's cursor and last landing.</summary>
    public static ObjectKey DatasetState(DatasetName dataset) =>
        ObjectKey.Combine("_meta", "state", dataset.Source, $"{dataset.Name}.json");

    /// <summary>What was last landed per request of one partition, and whether the partition is done.</summary>
    public static ObjectKey PartitionState(DatasetName dataset, string partition) =>
        ObjectKey.Combine("_meta", "partitions", dataset.Source, dataset.Name, $"{partition}.json");

    public static string PartitionStatePrefix(DatasetName dataset) => $"_meta/partitions/{dataset.Source}/{dataset.Name}/";

    /// <summary>The bronze objects of a dataset that failed their manifest check, so the next run fetches them again.</summary>
    public static ObjectKey DamagedBronze(DatasetName dataset) => ObjectKey.Combine("_meta", "damaged", dataset.Source, $"{dataset.Name}.json");

    /// <summary>A source's own state (SpaceX: the last <c>/latest</c> probe and the last full refresh).</summary>
    public static ObjectKey SourceState(string source) => ObjectKey.Combine("_meta", "state", source, "_source.json");

    /// <summary>
    /// The marker that publishes the silver files made from the bronze one run landed for a dataset.
    /// Silver files without a marker are not part of silver yet (a transform that died half-way).
    /// </summary>
    public static ObjectKey SilverCommit(DatasetName dataset, RunId landingRun) =>
        ObjectKey.Combine("_meta", "silver", dataset.Source, dataset.Name, $"{landingRun}.json");

    /// <summary>
    /// Whether <paramref name="key"/> is a commit marker as <see cref="SilverCommit"/> names them. Lakes written before
    /// markers were per run kept them one folder deeper, per partition; those are not read.
    /// </summary>
    public static bool IsSilverCommit(ObjectKey key) =>
        key.Value.StartsWith("_meta/silver/", StringComparison.Ordinal) && key.Value.Count(c => c == '/') == 4;

    public static string SilverCommitPrefix(DatasetName dataset) => $"_meta/silver/{dataset.Source}/{dataset.Name}/";

    public static string SilverCommitPrefix(string source) => $"_meta/silver/{source}/";

    /// <summary>
    /// <c>silver/{source}/{table}/run={runId}/{chunk}.parquet</c>: named after the bronze it came
    /// from, so transforming the same bronze again replaces the file instead of adding one.
    /// </summary>
    public static ObjectKey SilverFile(string source, string table, RunId landingRun, int chunk) =>
        ObjectKey.Combine("silver", source, table, $"run={landingRun}", $"{Seq(chunk)}.parquet");

    /// <summary>
    /// Where one transform attempt of a landing group stages its files before the commit:
    /// <c>_meta/staging/silver/{source}/{dataset}/{landingRun}/{attempt}/</c> followed by the file's key below
    /// <c>silver/</c>. Outside <c>silver/</c>, so engines listing silver never see them; per attempt, so that a crashed
    /// attempt's leftovers are never taken for a later attempt's files.
    /// </summary>
    public static ObjectKey SilverStaged(DatasetName dataset, RunId landingRun, RunId attempt, ObjectKey silverKey) =>
        ObjectKey.Parse(SilverStagingPrefix(dataset, landingRun) + $"{attempt}/" + silverKey.Value["silver/".Length..]);

    /// <summary>Every attempt's staged files for one landing group of a dataset.</summary>
    public static string SilverStagingPrefix(DatasetName dataset, RunId landingRun) =>
        $"_meta/staging/silver/{dataset.Source}/{dataset.Name}/{landingRun}/";

    /// <summary>The folder of one landing run's files of a silver table: <c>silver/{source}/{table}/run={runId}/</c>.</summary>
    public static string SilverRunPrefix(string source, string table, RunId landingRun) => $"silver/{source}/{table}/run={landingRun}/";

    /// <summary>The folder of one landing run's quarantined rows of a dataset.</summary>
    public static string QuarantineRunPrefix(DatasetName dataset, RunId landingRun) =>
        $"silver/_quarantine/{dataset.Source}/{dataset.Name}/run={landingRun}/";

    /// <summary>Rows that failed validation: <c>silver/_quarantine/{source}/{dataset}/...</c>.</summary>
    public static ObjectKey QuarantineFile(DatasetName dataset, RunId landingRun, int chunk) =>
        ObjectKey.Combine("silver", "_quarantine", dataset.Source, dataset.Name, $"run={landingRun}", $"{Seq(chunk)}.parquet");

    /// <summary>
    /// Requests sent to a source in one quota period (<c>2026-11</c> or <c>2026-11-22</c>, UTC), shared by every
    /// process that uses the lake.
    /// </summary>
    public static ObjectKey Quota(string source, string period) => ObjectKey.Combine("_meta", "quota", source, $"{period}.json");

    /// <summary>
    /// <c>gold/current.json</c>: names the gold build readers should use (<see cref="Gold.GoldPointer"/>). Written last,
    /// after every object of the build, so a reader that follows it finds a whole build, the previous one or the new.
    /// </summary>
    public static readonly ObjectKey GoldPointer = ObjectKey.Combine("gold", "current.json");

    /// <summary>Every published gold build: <c>gold/builds/{buildId}/...</c>.</summary>
    public const string GoldBuildsPrefix = "gold/builds/";

    /// <summary>One build's objects: <c>gold/builds/{buildId}/</c>.</summary>
    public static string GoldBuildPrefix(string buildId) => ObjectKey.ValidatePrefix($"{GoldBuildsPrefix}{buildId}/");

    /// <summary>
    /// One gold table of a build, as Parquet: <c>gold/builds/{buildId}/{table}/</c>; an engine reads
    /// <c>{prefix}*.parquet</c>.
    /// </summary>
    public static string GoldTablePrefix(string buildId, string table) => ObjectKey.ValidatePrefix($"{GoldBuildPrefix(buildId)}{table}/");

    /// <summary>A Parquet file of one gold table: <c>gold/builds/{buildId}/{table}/data_{n}.parquet</c>.</summary>
    public static ObjectKey GoldTableFile(string buildId, string table, int n) =>
        ObjectKey.Combine("gold", "builds", buildId, table, $"data_{n.ToString(CultureInfo.InvariantCulture)}.parquet");

    /// <summary>The build's gold DuckDB file, which a node restores: <c>gold/builds/{buildId}/lakehouse.duckdb</c>.</summary>
    public static ObjectKey GoldDatabase(string buildId) => ObjectKey.Combine("gold", "builds", buildId, "lakehouse.duckdb");

    /// <summary>
    /// <c>gold/builds/{buildId}/_build.json</c>: the build's own copy of its pointer, written after its files and before
    /// <see cref="GoldPointer"/>. A build folder without it is one whose publish never finished.
    /// </summary>
    public static ObjectKey GoldBuildManifest(string buildId) => ObjectKey.Combine("gold", "builds", buildId, "_build.json");

    /// <summary>The build id of a key below <see cref="GoldBuildsPrefix"/>, or null for any other key.</summary>
    public static string? GoldBuildIdOf(ObjectKey key) =>
        key.Value.StartsWith(GoldBuildsPrefix, StringComparison.Ordinal) && key.Value.IndexOf('/', GoldBuildsPrefix.Length) is > 0 and var end
            ? key.Value[GoldBuildsPrefix.Length..end]
            : null;

    public static ObjectKey RunRecord(RunId run) => ObjectKey.Combine("_meta", "runs", $"{run}.json");

    public const string RunRecordPrefix = "_meta/runs/";

    /// <summary>
    /// A contender's ticket for a lease on the lake: <c>_meta/leases/{name}/ticket-{number}-{owner}.json</c> (names: a
    /// dataset such as <c>spacex.launches</c>, or <c>_gold</c>, <c>_scheduler</c>). Zero-padded, so that key order is
    /// ticket order. See <see cref="LakeLeases"/>.
    /// </summary>
    public static ObjectKey LeaseTicket(string name, long number, string owner) =>
        ObjectKey.Combine("_meta", "leases", name, $"ticket-{number.ToString("D12", CultureInfo.InvariantCulture)}-{owner}.json");

    /// <summary>A contender's announcement that it is choosing a ticket: <c>_meta/leases/{name}/entering-{owner}.json</c>.</summary>
    public static ObjectKey LeaseEntering(string name, string owner) => ObjectKey.Combine("_meta", "leases", name, $"entering-{owner}.json");

    public static string LeasePrefix(string name) => $"_meta/leases/{name}/";

    private static string Seq(int value) => value.ToString("D4", CultureInfo.InvariantCulture);
}
