using Lakehouse.DuckDb.Execution;

namespace Lakehouse.Tests.DuckDb;

public sealed class SqlStatementSplitterTests
{
    [Fact]
    public void Semicolons_inside_strings_identifiers_comments_and_dollar_quotes_do_not_split()
    {
        // Given a script with semicolons in every place that is not a statement boundary
        const string script = """
            SELECT 'a;b', "c;d" FROM t; -- one; still a comment
            SELECT $$x;y$$, $tag$z;$tag$, E'it\'s;', $1 /* block; /* nested; */ still; */;
            ;;
            SELECT 3
            """;

        // When it is split
        var statements = SqlStatementSplitter.Split(script);

        // Then there are three statements, whole and trimmed
        statements.Count.ShouldBe(3);
        statements[0].ShouldBe("SELECT 'a;b', \"c;d\" FROM t");
        statements[1].ShouldStartWith("-- one; still a comment");
        statements[1].ShouldEndWith("still; */");
        statements[2].ShouldBe("SELECT 3");
    }

    [Fact]
    public void Comment_only_text_holds_no_statement()
    {
        // Given only comments and semicolons
        // When split
        var statements = SqlStatementSplitter.Split("-- nothing here;\n/* nor ; here */ ;");

        // Then there is nothing to run
        statements.ShouldBeEmpty();
    }
}
