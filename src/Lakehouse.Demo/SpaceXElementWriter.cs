using System.Buffers;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Lakehouse.Demo;

/// <summary>
/// Writes SpaceX elements with the API's key order and spelling (compact, like the live API's <c>JSON.stringify</c>):
/// each call returns one element's UTF-8 bytes. Reuses one buffer, so it is cheap per element but not thread-safe.
/// </summary>
internal sealed class SpaceXElementWriter : IDisposable
{
    private const double EarthRadiusKm = 6378.137;
    private const double EarthMu = 398600.4418;

    private readonly ArrayBufferWriter<byte> buffer = new(8192);
    private readonly Utf8JsonWriter json;

    public SpaceXElementWriter()
    {
        // Relaxed escaping: the API writes "Es'hail" and "é" as they are, not as \u0027 and \u00E9.
        json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
    }

    public static string UtcText(DateTimeOffset instant) =>
        instant.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    public static string LocalText(DateTimeOffset instant, TimeSpan offset) =>
        instant.ToOffset(offset).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);

    public void Dispose() => json.Dispose();

    public byte[] Launch(LaunchFacts launch)
    {
        Begin();
        if (launch.Fairings is { } fairings)
        {
            json.WriteStartObject("fairings");
            Bool("reused", fairings.Reused);
            Bool("recovery_attempt", fairings.RecoveryAttempt);
            Bool("recovered", fairings.Recovered);
            Strings("ships", []);
            json.WriteEndObject();
        }
        else
        {
            json.WriteNull("fairings");
        }

        WriteLinks(launch.Links);
        String("static_fire_date_utc", launch.StaticFireUtc is { } fire ? UtcText(fire) : null);
        Number("static_fire_date_unix", launch.StaticFireUtc?.ToUnixTimeSeconds());
        json.WriteBoolean("net", launch.Net);
        Number("window", launch.Window);
        json.WriteString("rocket", launch.Rocket);
        Bool("success", launch.Success);
        json.WriteStartArray("failures");
        foreach (var failure in launch.Failures)
        {
            json.WriteStartObject();
            json.WriteNumber("time", failure.Time);
            Number("altitude", failure.Altitude);
            json.WriteString("reason", failure.Reason);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        String("details", launch.Details);
        json.WriteStartArray("crew");
        foreach (var (crew, role) in launch.Crew)
        {
            json.WriteStartObject();
            String("crew", crew);
            String("role", role);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        Strings("ships", []);
        Strings("capsules", launch.Capsules);
        Strings("payloads", launch.Payloads);
        json.WriteString("launchpad", launch.Launchpad);
        json.WriteNumber("flight_number", launch.FlightNumber);
        json.WriteString("name", launch.Name);
        json.WriteString("date_utc", UtcText(launch.DateUtc));
        json.WriteNumber("date_unix", launch.DateUtc.ToUnixTimeSeconds());
        json.WriteString("date_local", LocalText(launch.DateUtc, launch.LocalOffset));
        json.WriteString("date_precision", launch.DatePrecision);
        json.WriteBoolean("upcoming", launch.Upcoming);
        json.WriteStartArray("cores");
        foreach (var core in launch.Cores)
        {
            json.WriteStartObject();
            String("core", core.Core);
            Number("flight", core.Flight);
            Bool("gridfins", core.Gridfins);
            Bool("legs", core.Legs);
            Bool("reused", core.Reused);
            Bool("landing_attempt", core.LandingAttempt);
            Bool("landing_success", core.LandingSuccess);
            String("landing_type", core.LandingType);
            String("landpad", core.Landpad);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteBoolean("auto_update", true);
        json.WriteBoolean("tbd", launch.Tbd);
        String("launch_library_id", launch.LaunchLibraryId);
        json.WriteString("id", launch.Id);
        return End();
    }

    public byte[] Payload(PayloadFacts payload)
    {
        Begin();
        var dragon = payload.Dragon;
        json.WriteStartObject("dragon");
        String("capsule", dragon?.Capsule);
        Number("mass_returned_kg", dragon?.MassReturnedKg);
        Number("mass_returned_lbs", dragon?.MassReturnedKg is { } returned ? Math.Round(returned * 2.20462, 1) : null);
        Number("flight_time_sec", dragon?.FlightTimeSec);
        String("manifest", dragon?.Manifest);
        Bool("water_landing", dragon?.WaterLanding);
        Bool("land_landing", dragon?.LandLanding);
        json.WriteEndObject();
        json.WriteString("name", payload.Name);
        json.WriteString("type", payload.Type);
        json.WriteBoolean("reused", payload.Reused);
        String("launch", payload.Launch);
        Strings("customers", payload.Customers);
        json.WriteStartArray("norad_ids");
        foreach (var norad in payload.NoradIds)
        {
            json.WriteNumberValue(norad);
        }

        json.WriteEndArray();
        Strings("nationalities", payload.Nationalities);
        Strings("manufacturers", payload.Manufacturers);
        Number("mass_kg", payload.MassKg);
        Number("mass_lbs", payload.MassKg is { } kg ? Math.Round(kg * 2.20462, 1) : null);
        String("orbit", payload.Orbit);
        var orbit = payload.Elements;
        String("reference_system", orbit?.ReferenceSystem);
        String("regime", orbit?.Regime);
        Number("longitude", orbit?.Longitude);
        if (orbit is null)
        {
            foreach (var name in (ReadOnlySpan<string>)["semi_major_axis_km", "eccentricity", "periapsis_km", "apoapsis_km", "inclination_deg", "period_min", "lifespan_years", "epoch", "mean_motion", "raan", "arg_of_pericenter", "mean_anomaly"])
            {
                json.WriteNull(name);
            }
        }
        else
        {
            // Derived with Kepler's third law, so the elements agree with each other the way real TLE data does.
            var semiMajor = ((orbit.PeriapsisKm + orbit.ApoapsisKm) / 2) + EarthRadiusKm;
            var periodMin = 2 * Math.PI * Math.Sqrt(semiMajor * semiMajor * semiMajor / EarthMu) / 60;
            json.WriteNumber("semi_major_axis_km", Math.Round(semiMajor, 3));
            json.WriteNumber("eccentricity", Math.Round((orbit.ApoapsisKm - orbit.PeriapsisKm) / (2 * semiMajor), 7));
            json.WriteNumber("periapsis_km", Math.Round(orbit.PeriapsisKm, 3));
            json.WriteNumber("apoapsis_km", Math.Round(orbit.ApoapsisKm, 3));
            json.WriteNumber("inclination_deg", Math.Round(orbit.InclinationDeg, 4));
            json.WriteNumber("period_min", Math.Round(periodMin, 3));
            Number("lifespan_years", orbit.LifespanYears);
            String("epoch", orbit.Epoch is { } epoch ? UtcText(epoch) : null);
            json.WriteNumber("mean_motion", Math.Round(1440 / periodMin, 8));
            json.WriteNumber("raan", Math.Round(orbit.Raan, 4));
            json.WriteNumber("arg_of_pericenter", Math.Round(orbit.ArgOfPericenter, 4));
            json.WriteNumber("mean_anomaly", Math.Round(orbit.MeanAnomaly, 4));
        }

        json.WriteString("id", payload.Id);
        return End();
    }

    public byte[] Core(CoreFacts core)
    {
        Begin();
        Number("block", core.Block);
        json.WriteNumber("reuse_count", core.ReuseCount);
        json.WriteNumber("rtls_attempts", core.RtlsAttempts);
        json.WriteNumber("rtls_landings", core.RtlsLandings);
        json.WriteNumber("asds_attempts", core.AsdsAttempts);
        json.WriteNumber("asds_landings", core.AsdsLandings);
        String("last_update", core.LastUpdate);
        Strings("launches", core.Launches);
        json.WriteString("serial", core.Serial);
        json.WriteString("status", core.Status);
        json.WriteString("id", core.Id);
        return End();
    }

    public byte[] Crew(CrewFacts crew)
    {
        Begin();
        json.WriteString("name", crew.Name);
        json.WriteString("agency", crew.Agency);
        json.WriteString("image", crew.Image);
        json.WriteString("wikipedia", crew.Wikipedia);
        Strings("launches", crew.Launches);
        json.WriteString("status", crew.Status);
        json.WriteString("id", crew.Id);
        return End();
    }

    public byte[] Capsule(CapsuleFacts capsule)
    {
        Begin();
        json.WriteNumber("reuse_count", capsule.ReuseCount);
        json.WriteNumber("water_landings", capsule.WaterLandings);
        json.WriteNumber("land_landings", capsule.LandLandings);
        String("last_update", capsule.LastUpdate);
        Strings("launches", capsule.Launches);
        json.WriteString("serial", capsule.Serial);
        json.WriteString("status", capsule.Status);
        json.WriteString("type", capsule.Type);
        json.WriteString("dragon", capsule.Dragon);
        json.WriteString("id", capsule.Id);
        return End();
    }

    public byte[] Rocket(RocketFacts rocket)
    {
        Begin();
        Length("height", rocket.HeightMeters);
        Length("diameter", rocket.DiameterMeters);
        json.WriteStartObject("mass");
        json.WriteNumber("kg", rocket.MassKg);
        json.WriteNumber("lb", Math.Round(rocket.MassKg * 2.20462));
        json.WriteEndObject();
        json.WriteStartObject("first_stage");
        Thrust("thrust_sea_level", rocket.FirstStageThrustSeaLevelKn);
        Thrust("thrust_vacuum", rocket.FirstStageThrustVacuumKn);
        json.WriteBoolean("reusable", rocket.FirstStageReusable);
        json.WriteNumber("engines", rocket.FirstStageEngines);
        json.WriteNumber("fuel_amount_tons", rocket.FirstStageFuelTons);
        Number("burn_time_sec", rocket.FirstStageBurnSec);
        json.WriteEndObject();
        json.WriteStartObject("second_stage");
        Thrust("thrust", rocket.SecondStageThrustKn);
        json.WriteStartObject("payloads");
        json.WriteStartObject("composite_fairing");
        Length("height", 13.1);
        Length("diameter", 5.2);
        json.WriteEndObject();
        json.WriteString("option_1", rocket.Boosters > 0 || rocket.FirstStageReusable ? "dragon" : "composite fairing");
        json.WriteEndObject();
        json.WriteBoolean("reusable", false);
        json.WriteNumber("engines", rocket.SecondStageEngines);
        json.WriteNumber("fuel_amount_tons", rocket.SecondStageFuelTons);
        Number("burn_time_sec", rocket.SecondStageBurnSec);
        json.WriteEndObject();
        json.WriteStartObject("engines");
        json.WriteStartObject("isp");
        json.WriteNumber("sea_level", rocket.IspSeaLevel);
        json.WriteNumber("vacuum", rocket.IspVacuum);
        json.WriteEndObject();
        var perEngine = rocket.FirstStageEngines * Math.Max(1, rocket.Boosters + 1);
        Thrust("thrust_sea_level", Math.Round(rocket.FirstStageThrustSeaLevelKn / perEngine));
        Thrust("thrust_vacuum", Math.Round(rocket.FirstStageThrustVacuumKn / perEngine));
        json.WriteNumber("number", rocket.FirstStageEngines);
        json.WriteString("type", rocket.EngineType);
        json.WriteString("version", rocket.EngineVersion);
        String("layout", rocket.EngineLayout);
        Number("engine_loss_max", rocket.FirstStageEngines > 1 ? Math.Min(6, rocket.FirstStageEngines / 4) : null);
        json.WriteString("propellant_1", "liquid oxygen");
        json.WriteString("propellant_2", rocket.Propellant2);
        json.WriteNumber("thrust_to_weight", Math.Round(rocket.FirstStageThrustVacuumKn * 1000 / (rocket.MassKg * 9.80665) * 10, 1));
        json.WriteEndObject();
        json.WriteStartObject("landing_legs");
        json.WriteNumber("number", rocket.LandingLegs);
        String("material", rocket.LandingLegs > 0 ? "carbon fiber" : null);
        json.WriteEndObject();
        json.WriteStartArray("payload_weights");
        foreach (var (id, name, kg) in rocket.PayloadWeights)
        {
            json.WriteStartObject();
            json.WriteString("id", id);
            json.WriteString("name", name);
            json.WriteNumber("kg", kg);
            json.WriteNumber("lb", Math.Round(kg * 2.20462));
            json.WriteEndObject();
        }

        json.WriteEndArray();
        Strings("flickr_images", rocket.FlickrImages);
        json.WriteString("name", rocket.Name);
        json.WriteString("type", "rocket");
        json.WriteBoolean("active", rocket.Active);
        json.WriteNumber("stages", rocket.Stages);
        json.WriteNumber("boosters", rocket.Boosters);
        json.WriteNumber("cost_per_launch", rocket.CostPerLaunch);
        json.WriteNumber("success_rate_pct", rocket.SuccessRatePct);
        json.WriteString("first_flight", rocket.FirstFlight);
        json.WriteString("country", "United States");
        json.WriteString("company", "SpaceX");
        json.WriteString("wikipedia", rocket.Wikipedia);
        json.WriteString("description", rocket.Description);
        json.WriteString("id", rocket.Id);
        return End();
    }

    public byte[] Launchpad(LaunchpadFacts pad)
    {
        Begin();
        Images(pad.Image);
        json.WriteString("name", pad.Name);
        json.WriteString("full_name", pad.FullName);
        json.WriteString("locality", pad.Locality);
        json.WriteString("region", pad.Region);
        json.WriteNumber("latitude", pad.Latitude);
        json.WriteNumber("longitude", pad.Longitude);
        json.WriteNumber("launch_attempts", pad.LaunchAttempts);
        json.WriteNumber("launch_successes", pad.LaunchSuccesses);
        Strings("rockets", pad.Rockets);
        json.WriteString("timezone", pad.Timezone);
        Strings("launches", pad.Launches);
        json.WriteString("status", pad.Status);
        json.WriteString("details", pad.Details);
        json.WriteString("id", pad.Id);
        return End();
    }

    public byte[] Landpad(LandpadFacts pad)
    {
        Begin();
        Images(pad.Image);
        json.WriteString("name", pad.Name);
        json.WriteString("full_name", pad.FullName);
        json.WriteString("status", pad.Status);
        json.WriteString("type", pad.Type);
        json.WriteString("locality", pad.Locality);
        json.WriteString("region", pad.Region);
        json.WriteNumber("latitude", pad.Latitude);
        json.WriteNumber("longitude", pad.Longitude);
        json.WriteNumber("landing_attempts", pad.LandingAttempts);
        json.WriteNumber("landing_successes", pad.LandingSuccesses);
        json.WriteString("wikipedia", pad.Wikipedia);
        json.WriteString("details", pad.Details);
        Strings("launches", pad.Launches);
        json.WriteString("id", pad.Id);
        return End();
    }

    private void Begin()
    {
        buffer.Clear();
        json.Reset();
        json.WriteStartObject();
    }

    private byte[] End()
    {
        json.WriteEndObject();
        json.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    private void WriteLinks(LinkFacts links)
    {
        json.WriteStartObject("links");
        json.WriteStartObject("patch");
        String("small", links.PatchSmall);
        String("large", links.PatchLarge);
        json.WriteEndObject();
        json.WriteStartObject("reddit");
        String("campaign", links.RedditCampaign);
        String("launch", links.RedditLaunch);
        String("media", links.RedditMedia);
        String("recovery", links.RedditRecovery);
        json.WriteEndObject();
        json.WriteStartObject("flickr");
        Strings("small", []);
        Strings("original", links.FlickrOriginal);
        json.WriteEndObject();
        String("presskit", links.Presskit);
        String("webcast", links.Webcast);
        String("youtube_id", links.YoutubeId);
        String("article", links.Article);
        String("wikipedia", links.Wikipedia);
        json.WriteEndObject();
    }

    private void Images(string image)
    {
        json.WriteStartObject("images");
        Strings("large", [image]);
        json.WriteEndObject();
    }

    private void Length(string name, double meters)
    {
        json.WriteStartObject(name);
        json.WriteNumber("meters", meters);
        json.WriteNumber("feet", Math.Round(meters * 3.28084, 1));
        json.WriteEndObject();
    }

    private void Thrust(string name, double kiloNewtons)
    {
        json.WriteStartObject(name);
        json.WriteNumber("kN", kiloNewtons);
        json.WriteNumber("lbf", Math.Round(kiloNewtons * 224.809));
        json.WriteEndObject();
    }

    private void String(string name, string? value)
    {
        if (value is null)
        {
            json.WriteNull(name);
        }
        else
        {
            json.WriteString(name, value);
        }
    }

    private void Bool(string name, bool? value)
    {
        if (value is { } flag)
        {
            json.WriteBoolean(name, flag);
        }
        else
        {
            json.WriteNull(name);
        }
    }

    private void Number(string name, double? value)
    {
        if (value is { } number)
        {
            json.WriteNumber(name, number);
        }
        else
        {
            json.WriteNull(name);
        }
    }

    private void Number(string name, long? value)
    {
        if (value is { } number)
        {
            json.WriteNumber(name, number);
        }
        else
        {
            json.WriteNull(name);
        }
    }

    private void Strings(string name, IReadOnlyList<string> values)
    {
        json.WriteStartArray(name);
        foreach (var value in values)
        {
            json.WriteStringValue(value);
        }

        json.WriteEndArray();
    }
}
