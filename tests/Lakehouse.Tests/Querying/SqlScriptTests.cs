using Lakehouse.Querying;

namespace Lakehouse.Tests.Querying;

public sealed class SqlScriptTests
{
    [Fact]
    public void Semicolons_inside_strings_names_comments_and_dollar_quotes_do_not_split()
    {
        // Given a script with semicolons in every place that is not a statement boundary
        const string Script = """
            SELECT 'a;b', "c;d" FROM t; -- one; still a comment
            SELECT $$x;y$$, $tag$z;$tag$, E'it\'s;', $1 /* block; /* nested; */ still; */;
            ;;
            SELECT 3
            """;

        // When it is split
        var statements = SqlScript.Split(Script);

        // Then there are three statements, whole, each starting at its first token
        statements.Select(s => s.Text).ShouldBe([
            "SELECT 'a;b', \"c;d\" FROM t",
            "SELECT $$x;y$$, $tag$z;$tag$, E'it\\'s;', $1 /* block; /* nested; */ still; */",
            "SELECT 3",
        ]);
        statements[1].Tokens.Where(t => t.Kind == SqlTokenKind.Text).Select(t => t.Value).ShouldBe(["x;y", "z;", "it\\'s;"]);
        statements[0].Tokens.Single(t => t.Kind == SqlTokenKind.QuotedName).Value.ShouldBe("c;d");
    }

    [Fact]
    public void Comment_only_text_holds_no_statement()
    {
        SqlScript.Split("-- nothing here;\n/* nor ; here */ ;").ShouldBeEmpty();
    }

    [Fact]
    public void Keywords_inside_strings_and_comments_are_not_words()
    {
        var statement = SqlScript.Split("/* COPY */ SELECT 'INSERT', \"DROP\" -- ATTACH").Single();

        statement.Tokens.Where(t => t.Kind == SqlTokenKind.Word).Select(t => t.Value).ShouldBe(["SELECT"]);
        statement.TextFrom(0).ShouldStartWith("SELECT");
    }
}
