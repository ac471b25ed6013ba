using System.Net.Http.Headers;
using System.Text;
using Lakehouse.Sources.Http;

namespace Lakehouse.Tests.Sources.Http;

/// <summary>How an answer is read: the pause a server asks for, and whether a JSON body is whole.</summary>
public sealed class HttpAttemptTests
{
    private static readonly DateTimeOffset Now = new(2025, 1, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Cap = TimeSpan.FromSeconds(60);

    [Fact]
    public void Retry_After_in_seconds_is_the_pause() =>
        HttpAttempt.PauseRequested(new RetryConditionHeaderValue(TimeSpan.FromSeconds(7)), rateLimitSpent: false, Now, Cap)
            .ShouldBe(TimeSpan.FromSeconds(7));

    [Fact]
    public void Retry_After_as_a_date_is_the_time_until_then() =>
        HttpAttempt.PauseRequested(new RetryConditionHeaderValue(Now.AddSeconds(42)), rateLimitSpent: false, Now, Cap)
            .ShouldBe(TimeSpan.FromSeconds(42));

    [Fact]
    public void Retry_After_as_a_date_in_the_past_means_now() =>
        HttpAttempt.PauseRequested(new RetryConditionHeaderValue(Now.AddSeconds(-5)), rateLimitSpent: false, Now, Cap)
            .ShouldBe(TimeSpan.Zero);

    [Fact]
    public void Retry_After_beyond_the_longest_delay_is_capped() =>
        HttpAttempt.PauseRequested(new RetryConditionHeaderValue(TimeSpan.FromHours(1)), rateLimitSpent: true, Now, Cap)
            .ShouldBe(Cap);

    [Fact]
    public void A_spent_rate_limit_without_Retry_After_pauses_for_the_longest_delay() =>
        HttpAttempt.PauseRequested(null, rateLimitSpent: true, Now, Cap).ShouldBe(Cap);

    [Fact]
    public void Without_either_header_there_is_no_pause() =>
        HttpAttempt.PauseRequested(null, rateLimitSpent: false, Now, Cap).ShouldBeNull();

    [Theory]
    [InlineData("{\"a\":[1,2,{\"b\":null}]}", true)]
    [InlineData("  [ ]\r\n", true)]
    [InlineData("\uFEFF{\"bom\":true}", true)]
    [InlineData("\"just a string\"", true)]
    [InlineData("{\"a\":[1,2", false)]
    [InlineData("{\"a\":\"unterminated", false)]
    [InlineData("", false)]
    [InlineData("{} {}", false)]
    [InlineData("[1,]", false)]
    public void Well_formed_JSON_is_one_complete_value(string body, bool wellFormed) =>
        HttpAttempt.IsWellFormedJson(Encoding.UTF8.GetBytes(body)).ShouldBe(wellFormed);

    [Theory]
    [InlineData("application/json", "x", true)]
    [InlineData("application/problem+json", "x", true)]
    [InlineData("text/plain", " \n[1]", true)]
    [InlineData("text/html", "{", true)]
    [InlineData("text/html", "<html>", false)]
    [InlineData(null, "", false)]
    public void A_body_claims_to_be_JSON_by_its_type_or_its_first_character(string? mediaType, string body, bool claims) =>
        HttpAttempt.ClaimsJson(mediaType, Encoding.UTF8.GetBytes(body)).ShouldBe(claims);
}
