using Lakehouse.Storage;

namespace Lakehouse.Tests.Storage;

public sealed class ObjectKeyTests
{
    [Theory]
    [InlineData("bronze/spacex/launches/all/20261122T0800-abc-0001.json")]
    [InlineData("silver/_quarantine/nasa/neo_feed/part-0.parquet")]
    [InlineData("silver/nasa/neo_feed/date=2026-11-22/data.parquet")]
    [InlineData("_meta/cursors/spacex.launches.json")]
    [InlineData("x")]
    [InlineData("...")]
    [InlineData("..a/b..")]
    [InlineData(".gitkeep")]
    [InlineData("with space/and ünïcödé €.json")]
    public void A_normal_key_is_accepted_as_given(string value)
    {
        var key = ObjectKey.Parse(value);

        key.Value.ShouldBe(value);
        key.ToString().ShouldBe(value);
        ObjectKey.TryParse(value, out var parsed).ShouldBeTrue();
        parsed.ShouldBe(key);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData(".", "'.' segment")]
    [InlineData("..", "'..' segment")]
    [InlineData("../x", "'..' segment")]
    [InlineData("a/../b", "'..' segment")]
    [InlineData("a/./b", "'.' segment")]
    [InlineData("/abs", "start with '/'")]
    [InlineData("a\\b", "'\\'")]
    [InlineData("a//b", "empty segment")]
    [InlineData("a/", "end with '/'")]
    [InlineData("C:/lake/x", "':'")]
    [InlineData("a\u0000b", "control characters")]
    [InlineData("a\nb", "control characters")]
    [InlineData("a\u007Fb", "control characters")]
    [InlineData("bronze/.tmp-123", "reserved")]
    public void A_key_that_breaks_a_rule_is_rejected_with_the_key_and_the_rule(string value, string rule)
    {
        var error = Should.Throw<InvalidObjectKeyException>(() => ObjectKey.Parse(value));

        error.Key.ShouldBe(value);
        error.Message.ShouldContain(rule);
        error.ShouldBeAssignableTo<ArgumentException>();
        ObjectKey.TryParse(value, out _).ShouldBeFalse();
    }

    [Fact]
    public void A_key_with_a_lone_surrogate_is_rejected()
    {
        // Built here, not in [InlineData]: test discovery would replace the lone surrogate with U+FFFD.
        var value = "a" + (char)0xD800 + "b";

        Should.Throw<InvalidObjectKeyException>(() => ObjectKey.Parse(value)).Message.ShouldContain("Unicode");
    }

    [Fact]
    public void A_control_character_is_shown_escaped_in_the_message()
    {
        var error = Should.Throw<InvalidObjectKeyException>(() => ObjectKey.Parse("bad\u0001key"));

        error.Message.ShouldContain("bad\\u0001key");
    }

    [Fact]
    public void A_key_of_exactly_512_characters_is_accepted_and_one_more_character_is_not()
    {
        // Segments of 200, 200 and 110 characters and two slashes: 512 (the Minio client refuses longer names).
        var exactly512 = string.Join('/', new string('a', 200), new string('a', 200), new string('b', 110));

        ObjectKey.Parse(exactly512).Value.Length.ShouldBe(512);
        Should.Throw<InvalidObjectKeyException>(() => ObjectKey.Parse(exactly512 + "c")).Message.ShouldContain("512 characters");
    }

    [Fact]
    public void A_key_of_exactly_1024_utf8_bytes_is_accepted_and_one_more_byte_is_not()
    {
        // Segments of 255, 255, 255, 254 and 1 bytes ("€" is 3 bytes) and 4 slashes: 1,024 bytes in 346 characters.
        var exactly1024 = string.Join('/', new string('€', 85), new string('€', 85), new string('€', 85), new string('€', 84) + "bb", "b");

        System.Text.Encoding.UTF8.GetByteCount(exactly1024).ShouldBe(1024);
        ObjectKey.Parse(exactly1024);
        Should.Throw<InvalidObjectKeyException>(() => ObjectKey.Parse(exactly1024 + "c")).Message.ShouldContain("1024");
    }

    [Fact]
    public void Length_is_counted_in_utf8_bytes_not_characters()
    {
        // "€" is 3 UTF-8 bytes: 400 of them are 1,200 bytes though only 400 characters.
        var key = string.Join('/', new string('€', 80), new string('€', 80), new string('€', 80), new string('€', 80), new string('€', 80));

        Should.Throw<InvalidObjectKeyException>(() => ObjectKey.Parse(key)).Message.ShouldContain("1024");
    }

    [Fact]
    public void A_segment_longer_than_a_file_name_may_be_is_rejected()
    {
        Should.Throw<InvalidObjectKeyException>(() => ObjectKey.Parse("bronze/" + new string('x', 256)))
            .Message.ShouldContain("255");
    }

    [Fact]
    public void Combine_joins_valid_parts_with_slashes()
    {
        var key = ObjectKey.Combine("bronze/spacex", "launches", "all", "20261122T0800-abc-0001.json");

        key.ShouldBe(ObjectKey.Parse("bronze/spacex/launches/all/20261122T0800-abc-0001.json"));
        key.Name.ShouldBe("20261122T0800-abc-0001.json");
    }

    [Theory]
    [InlineData("..")]
    [InlineData("../etc")]
    [InlineData("")]
    [InlineData("a/")]
    [InlineData("/a")]
    public void Combine_rejects_a_part_that_breaks_a_rule_and_names_that_part(string part)
    {
        var error = Should.Throw<InvalidObjectKeyException>(() => ObjectKey.Combine("bronze", part, "x.json"));

        error.Key.ShouldBe(part);
        error.Message.ShouldContain(nameof(ObjectKey.Combine));
    }

    [Theory]
    [InlineData("")]
    [InlineData("bronze/")]
    [InlineData("bronze/spa")]
    [InlineData("bronze/spacex/launches/all/")]
    public void A_listing_prefix_may_be_empty_or_end_with_a_slash(string prefix)
    {
        ObjectKey.ValidatePrefix(prefix).ShouldBe(prefix);
    }

    [Theory]
    [InlineData("/")]
    [InlineData("../")]
    [InlineData("bronze//")]
    [InlineData("bronze/../")]
    [InlineData("bronze\\")]
    public void A_listing_prefix_obeys_the_other_key_rules(string prefix)
    {
        Should.Throw<InvalidObjectKeyException>(() => ObjectKey.ValidatePrefix(prefix)).Message.ShouldContain("prefix");
    }

    [Fact]
    public void Keys_compare_by_value_ordinally()
    {
        (ObjectKey.Parse("a/b") == ObjectKey.Parse("a/b")).ShouldBeTrue();
        ObjectKey.Parse("a/B").ShouldNotBe(ObjectKey.Parse("a/b"));
        ObjectKey.Parse("a/b").GetHashCode().ShouldBe(ObjectKey.Parse("a/b").GetHashCode());
    }
}
