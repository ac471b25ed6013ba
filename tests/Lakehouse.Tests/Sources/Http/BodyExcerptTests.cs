using System.Text;
using Lakehouse.Sources.Http;

namespace Lakehouse.Tests.Sources.Http;

/// <summary>The piece of an error body that goes into a message.</summary>
public sealed class BodyExcerptTests
{
    private static string NoSecrets(string text) => text;

    [Fact]
    public void A_long_text_body_is_cut_to_200_characters_on_one_line()
    {
        var body = Encoding.UTF8.GetBytes(string.Join("\n", Enumerable.Repeat("Date Format Exception - the Feed date limit is only 7 Days.", 20)));

        var excerpt = BodyExcerpt.Describe("text/plain; charset=utf-8", body, NoSecrets);

        var quoted = excerpt["(body: text/plain, '".Length..^"')".Length];
        quoted.Length.ShouldBe(200);
        quoted.ShouldEndWith("…");
        quoted.ShouldNotContain("\n");
        quoted.ShouldStartWith("Date Format Exception - the Feed date limit is only 7 Days. Date Format");
    }

    [Fact]
    public void An_HTML_body_is_reduced_to_its_text()
    {
        var body = Encoding.UTF8.GetBytes("<html><head><style>p { color: red }</style><script>var k = 1;</script></head><body><h1>Bad&nbsp;Gateway</h1><p>nginx</p></body></html>");

        BodyExcerpt.Describe("text/html", body, NoSecrets).ShouldBe("(body: text/html, 'Bad Gateway nginx')");
    }

    [Fact]
    public void A_binary_body_is_described_by_its_type_and_size_only()
    {
        BodyExcerpt.Describe("image/png", new byte[5120], NoSecrets).ShouldBe("(body: image/png, 5120 bytes)");
        BodyExcerpt.Describe(null, [1, 2, 3], NoSecrets).ShouldBe("(body: no content type, 3 bytes)");
    }

    [Fact]
    public void Secrets_are_redacted_before_the_body_is_cut()
    {
        var body = Encoding.UTF8.GetBytes(new string('x', 190) + "SECRETVALUE-1234567890");

        var excerpt = BodyExcerpt.Describe("text/plain", body, t => t.Replace("SECRETVALUE-1234567890", "REDACTED", StringComparison.Ordinal));

        excerpt.ShouldNotContain("SECRET");
        excerpt.ShouldContain("xREDA");
    }
}
