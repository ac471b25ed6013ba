using System.Globalization;
using System.Text;

namespace Lakehouse.Demo;

/// <summary>Names, links and prose for generated elements, shaped like the live data's (lengths matter: they set the dump's size).</summary>
internal static class SampleText
{
    private const string Alnum = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    private const string Base36 = "abcdefghijklmnopqrstuvwxyz0123456789";
    private const string YouTube = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_";

    public static IReadOnlyList<string> Falcon1Missions { get; } = ["FalconSat", "DemoSat", "Trailblazer", "RatSat", "RazakSat"];

    public static IReadOnlyList<string> CommercialOperators { get; } =
    [
        "SES", "Intelsat", "Eutelsat", "Thaicom", "JCSAT", "Telstar", "Inmarsat", "Arabsat", "Galaxy", "Nusantara",
        "Koreasat", "AsiaSat", "Amazonas", "Hispasat", "BulgariaSat", "Es'hail", "Türksat", "Hotbird", "Sirius XM", "Echostar",
    ];

    public static IReadOnlyList<string> OperatorCountries { get; } =
    [
        "Luxembourg", "United States", "France", "Thailand", "Japan", "Canada", "United Kingdom", "Saudi Arabia", "United States", "Indonesia",
        "Republic of Korea", "Hong Kong", "Spain", "Spain", "Bulgaria", "Qatar", "Turkey", "France", "United States", "United States",
    ];

    public static IReadOnlyList<string> SatelliteMakers { get; } =
    [
        "Boeing", "Maxar Technologies", "Thales Alenia Space", "Airbus Defence and Space", "Lockheed Martin", "Orbital ATK",
        "Mitsubishi Electric", "Space Systems/Loral", "Northrop Grumman",
    ];

    public static IReadOnlyList<(string Prefix, string Customer, string Orbit)> GovernmentMissions { get; } =
    [
        ("NROL-", "NRO", "LEO"), ("GPS III SV", "USAF", "MEO"), ("USSF-", "USSF", "GEO"), ("SAOCOM-", "CONAE", "SSO"),
        ("Sentinel-6 ", "NASA", "LEO"), ("SARah-", "Bundeswehr", "SSO"), ("NOAA JPSS-", "NOAA", "PO"),
    ];

    public static IReadOnlyList<string> SmallSatellites { get; } =
    [
        "Flock 4s", "Lemur-2", "ICEYE", "Capella", "HawkEye 360", "Kepler", "Spire", "UNISAT", "Astrocast", "Swarm",
        "Satellogic NewSat", "Sherpa-FX", "ION SCV", "Umbra", "Dragonette",
    ];

    public static IReadOnlyList<string> FirstNames { get; } =
    [
        "Robert", "Douglas", "Michael", "Shannon", "Victor", "Soichi", "Megan", "Thomas", "Akihiko", "Kayla",
        "Raja", "Matthias", "Jared", "Hayley", "Sian", "Christopher", "Larry", "Mark", "Eytan", "Kjell",
        "Nicole", "Josh", "Anna", "Koichi", "Samantha", "Jessica", "Kimiya", "Warren", "Francisco", "Andreas",
        "Peggy", "John", "Rayyanah", "Ali", "Jasmin", "Loral", "Satoshi", "Marcos", "Sophie", "Elena",
    ];

    public static IReadOnlyList<string> LastNames { get; } =
    [
        "Behnken", "Hurley", "Hopkins", "Walker", "Glover", "Noguchi", "McArthur", "Pesquet", "Hoshide", "Barron",
        "Chari", "Maurer", "Isaacman", "Arceneaux", "Proctor", "Sembroski", "Connor", "Pathy", "Stibbe", "Lindgren",
        "Mann", "Cassada", "Kikina", "Wakata", "Cristoforetti", "Watkins", "Yui", "Hoburg", "Rubio", "Mogensen",
        "Whitson", "Shoffner", "Barnawi", "Qarni", "Moghbeli", "O'Hara", "Furukawa", "Pontes", "Adenot", "Ortiz",
        "Kelly", "Bresnik", "Dyson", "Garan", "Fincke", "Nyberg", "Burbank", "Coleman", "Reisman", "Stott",
        "Ford", "Hadfield", "Parmitano", "Gerst", "Vande Hei", "Kononenko", "Hague", "Koch", "Meir", "Morgan",
    ];

    public static IReadOnlyList<string> FailureReasons { get; } =
    [
        "merlin engine failure",
        "harmonic oscillation leading to premature engine shutdown",
        "residual stage-1 thrust led to collision between stage 1 and stage 2",
        "helium tank overpressure led to the second stage LOX tank explosion",
        "strut failure in the second stage liquid oxygen tank released a helium bottle",
        "loss of telemetry shortly after stage separation",
        "second stage engine shut down early and left the payload in a lower orbit",
    ];

    public static string Slug(string name)
    {
        var builder = new StringBuilder(name.Length);
        foreach (var c in name.ToLowerInvariant())
        {
            builder.Append(char.IsAsciiLetterOrDigit(c) ? c : '_');
        }

        return builder.ToString();
    }

    public static string ImgboxPatch(SampleRandom random) =>
        $"https://images2.imgbox.com/{random.Hex(2)}/{random.Hex(2)}/{random.Chars(Alnum, 8)}_o.png";

    public static string Reddit(SampleRandom random, string slug, string thread) =>
        $"https://www.reddit.com/r/spacex/comments/{random.Chars(Base36, 6)}/rspacex_{slug}_{thread}/";

    public static string Flickr(SampleRandom random) =>
        $"https://live.staticflickr.com/65535/{random.Between(49000, 52999)}{random.Chars("0123456789", 6)}_{random.Hex(10)}_o.jpg";

    public static string YoutubeId(SampleRandom random) => random.Chars(YouTube, 11);

    public static string Article(SampleRandom random, DateTimeOffset date, string slug) =>
        random.Next(3) switch
        {
            0 => $"https://spaceflightnow.com/{date:yyyy}/{date:MM}/{date:dd}/{slug.Replace('_', '-')}-launch/",
            1 => $"https://www.space.com/spacex-{slug.Replace('_', '-')}-launch-{date:yyyy-MM-dd}",
            _ => $"https://www.nasaspaceflight.com/{date:yyyy}/{date:MM}/{slug.Replace('_', '-')}/",
        };

    public static string Uuid(SampleRandom random) =>
        $"{random.Hex(8)}-{random.Hex(4)}-4{random.Hex(3)}-{random.Pick(["8", "9", "a", "b"])}{random.Hex(3)}-{random.Hex(12)}";

    public static string Ordinal(int n)
    {
        var suffix = (n % 100) is 11 or 12 or 13 ? "th" : (n % 10) switch { 1 => "st", 2 => "nd", 3 => "rd", _ => "th" };
        return n.ToString(CultureInfo.InvariantCulture) + suffix;
    }

    /// <summary>A few sentences about a mission, in the tone of the API's <c>details</c>.</summary>
    public static string Details(SampleRandom random, string name, string kind, string rocket, string pad, string orbit, int boosterFlight, bool upcoming)
    {
        var sentences = new List<string>
        {
            kind switch
            {
                "starlink" => $"SpaceX will launch {random.Between(46, 60)} Starlink satellites on {name} into a {orbit} shell, adding to the broadband constellation.",
                "cargo" => $"{name} is a commercial resupply mission to the International Space Station, flown under NASA's Commercial Resupply Services contract.",
                "crewed" => $"{name} carries a crew of astronauts to the International Space Station aboard Crew Dragon for a stay of several months.",
                "rideshare" => $"{name} is a dedicated smallsat rideshare mission to a sun-synchronous orbit carrying dozens of spacecraft for commercial and government customers.",
                "government" => $"{rocket} will deliver {name} for a government customer to {orbit}; few details of the payload are public.",
                "demo" => $"{name} is an early {rocket} flight from Omelek Island, part of the campaign to reach orbit with a privately developed launcher.",
                _ => $"SpaceX will launch {name}, a geostationary communications satellite, to a {orbit} for its operator.",
            },
            $"The launch {(upcoming ? "will lift off" : "lifted off")} from {pad}.",
        };
        if (boosterFlight > 1)
        {
            sentences.Add($"The booster supporting this mission {(upcoming ? "will fly" : "flew")} for the {Ordinal(boosterFlight)} time and {(upcoming ? "is expected to land" : "landed")} on a droneship or landing zone shortly after stage separation.");
        }
        else if (kind != "demo")
        {
            sentences.Add($"This {(upcoming ? "is" : "was")} the first flight of a new first stage booster, which {(upcoming ? "will attempt" : "attempted")} a landing after stage separation.");
        }

        var extras = random.Between(2, 5);
        for (var i = 0; i < extras; i++)
        {
            sentences.Add(random.Next(6) switch
            {
                0 => "Fairing halves are recovered from the ocean by SpaceX's support vessels and refurbished for future flights.",
                1 => $"Weather officials forecast a {random.Between(60, 95)} percent chance of favourable conditions at the opening of the launch window.",
                2 => "The second stage performs a deorbit burn after payload deployment to limit orbital debris.",
                3 => $"The mission follows a {random.Between(2, 9)}-day delay caused by a ground systems issue found during pre-launch checks.",
                4 => "A static fire test of the first stage was completed at the pad before the vehicle was cleared for launch.",
                _ => "Live coverage begins about fifteen minutes before liftoff on SpaceX's webcast.",
            });
        }

        return string.Join(' ', sentences);
    }
}
