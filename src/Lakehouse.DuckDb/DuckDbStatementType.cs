namespace Lakehouse.DuckDb;

/// <summary>
/// What kind of statement DuckDB parsed, as <c>duckdb_statement_type</c> reports it. The values are DuckDB's own
/// (duckdb.h), so they can be compared with its documentation. INSTALL and LOAD both report <see cref="Load"/>.
/// </summary>
public enum DuckDbStatementType
{
    Invalid = 0,
    Select = 1,
    Insert = 2,
    Update = 3,
    Explain = 4,
    Delete = 5,
    Prepare = 6,
    Create = 7,
    Execute = 8,
    Alter = 9,
    Transaction = 10,
    Copy = 11,
    Analyze = 12,
    VariableSet = 13,
    CreateFunc = 14,
    Drop = 15,
    Export = 16,
    Pragma = 17,
    Vacuum = 18,
    Call = 19,
    Set = 20,
    Load = 21,
    Relation = 22,
    Extension = 23,
    LogicalPlan = 24,
    Attach = 25,
    Detach = 26,
    Multi = 27,
}
