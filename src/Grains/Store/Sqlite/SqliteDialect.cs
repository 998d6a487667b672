using System.Data.Common;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace AeGrid.Grains.Store;

/// <summary>
/// SQLite's side of the store: times are fixed-width UTC text from the process clock (bound as <c>@now</c>), so text
/// order is time order; one writer holds the database (BEGIN IMMEDIATE), so there are no row locks to take.
/// </summary>
internal sealed class SqliteDialect : StoreDialect
{
    public static readonly SqliteDialect Instance = new();

    public override string Now => "@now";

    public override string LeaseEnd => "@lease";

    public override object LeaseValue(TimeSpan lease, DateTimeOffset sessionNow) => StoreWire.ToSqliteTime(sessionNow + lease);

    public override string ForUpdate => "";

    public override string ForShare => "";

    public override bool LocksRows => false;

    public override string Json(string parameter) => parameter;

    // One statement whatever the count: the ids travel as a JSON array that json_each unpacks.
    public override string IdIn(string column, string parameter) => $"{column} IN (SELECT value FROM json_each({parameter}))";

    public override object IdList(IReadOnlyCollection<string> ids) => JsonSerializer.Serialize(ids.Distinct().ToArray());

    public override object Time(DateTimeOffset time) => StoreWire.ToSqliteTime(time);

    public override DateTimeOffset ReadTime(DbDataReader reader, int ordinal) => StoreWire.FromSqliteTime(reader.GetString(ordinal));

    /// <summary>NaN as the text 'NaN' (a bound NaN would become NULL, which means "not measured").</summary>
    public override object Real(double? value) => value switch
    {
        null => DBNull.Value,
        { } v when double.IsNaN(v) => "NaN",
        { } v => v,
    };

    public override void BindClock(DbCommand command, DateTimeOffset sessionNow)
    {
        if (command.CommandText.Contains(Now, StringComparison.Ordinal) && !command.Parameters.Contains(Now))
            StoreSession.Add(command, Now, StoreWire.ToSqliteTime(sessionNow));
    }

    // SQLITE_CONSTRAINT_UNIQUE; its message names the index where the index has no plain columns to name.
    public override bool IsUniqueViolation(DbException e, string? constraint = null) =>
        e is SqliteException { SqliteExtendedErrorCode: 2067 } && (constraint is null || e.Message.Contains(constraint, StringComparison.Ordinal));
}
