using System.Diagnostics.CodeAnalysis;

namespace Lakehouse.DuckDb;

/// <summary>
/// DuckDB's error category (<c>duckdb_error_type</c>, values as in duckdb.h). DuckDB reports it only for failed
/// executions; for failures to prepare or start a statement the category is read from the first words of DuckDB's
/// message ("Binder Error: …"). <see cref="Invalid"/> means "not reported".
/// </summary>
public enum DuckDbErrorType
{
    Invalid = 0,
    OutOfRange = 1,
    Conversion = 2,
    UnknownType = 3,
    [SuppressMessage("Naming", "CA1720", Justification = "Mirrors DUCKDB_ERROR_DECIMAL in duckdb.h.")]
    Decimal = 4,
    MismatchType = 5,
    DivideByZero = 6,
    ObjectSize = 7,
    InvalidType = 8,
    Serialization = 9,
    Transaction = 10,
    NotImplemented = 11,
    Expression = 12,
    Catalog = 13,
    Parser = 14,
    Planner = 15,
    Scheduler = 16,
    Executor = 17,
    Constraint = 18,
    Index = 19,
    Stat = 20,
    Connection = 21,
    Syntax = 22,
    Settings = 23,
    Binder = 24,
    Network = 25,
    Optimizer = 26,
    NullPointer = 27,
    IO = 28,
    Interrupt = 29,
    Fatal = 30,
    Internal = 31,
    InvalidInput = 32,
    OutOfMemory = 33,
    Permission = 34,
    ParameterNotResolved = 35,
    ParameterNotAllowed = 36,
    Dependency = 37,
    Http = 38,
    MissingExtension = 39,
    Autoload = 40,
    Sequence = 41,
    InvalidConfiguration = 42,
}
