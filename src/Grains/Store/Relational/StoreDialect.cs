using System.Data.Common;
using AeGrid.Abstractions;

namespace AeGrid.Grains.Store;

/// <summary>
/// What differs between the databases under one set of store rules: a few SQL fragments, how values go into and come out
/// of columns, and the bulk statements one of them can do in one round trip. SQL shared between them uses <c>@name</c>
/// parameters, which both Npgsql and Microsoft.Data.Sqlite accept.
/// </summary>
internal abstract class StoreDialect
{
    /// <summary>The current time in SQL: the database clock on PostgreSQL, the process clock (bound as <c>@now</c>) on SQLite.</summary>
    public abstract string Now { get; }

    /// <summary>A lease's end in SQL, from the <c>@lease</c> parameter that <see cref="LeaseValue"/> makes.</summary>
    public abstract string LeaseEnd { get; }

    /// <summary>The <c>@lease</c> parameter for <see cref="LeaseEnd"/>, given the session's time.</summary>
    public abstract object LeaseValue(TimeSpan lease, DateTimeOffset sessionNow);

    /// <summary>Appended to a SELECT that must hold its rows until commit (empty where one writer holds the database).</summary>
    public abstract string ForUpdate { get; }

    /// <summary>As <see cref="ForUpdate"/>, for rows that may be read by others but not changed until commit.</summary>
    public abstract string ForShare { get; }

    /// <summary>Whether statements that only take row locks need running at all (not where one writer holds the database).</summary>
    public abstract bool LocksRows { get; }

    /// <summary>A JSON parameter as the column wants it.</summary>
    public abstract string Json(string parameter);

    /// <summary>SQL true when <paramref name="column"/> is one of the ids in <paramref name="parameter"/> (see <see cref="IdList"/>).</summary>
    public abstract string IdIn(string column, string parameter);

    /// <summary>The value of an <see cref="IdIn"/> parameter.</summary>
    public abstract object IdList(IReadOnlyCollection<string> ids);

    /// <summary>A time as the column keeps it.</summary>
    public abstract object Time(DateTimeOffset time);

    public abstract DateTimeOffset ReadTime(DbDataReader reader, int ordinal);

    public DateTimeOffset? ReadNullableTime(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : ReadTime(reader, ordinal);

    /// <summary>A metric as the column keeps it: NaN must stay NaN, distinct from NULL ("not measured").</summary>
    public abstract object Real(double? value);

    /// <summary>Adds what the database cannot know itself to a command: on SQLite, the session's time as <c>@now</c>.</summary>
    public virtual void BindClock(DbCommand command, DateTimeOffset sessionNow) { }

    /// <summary>Whether <paramref name="e"/> is a unique-constraint violation (of <paramref name="constraint"/>, where the database names it).</summary>
    public abstract bool IsUniqueViolation(DbException e, string? constraint = null);

    /// <summary>Inserts new trials (pending; existing ids left alone); per row unless the database does better.</summary>
    public virtual async Task InsertTrialsAsync(StoreSession session, IReadOnlyList<TrialConfig> trials, CancellationToken ct)
    {
        await using var insert = session.Command(StoreRows.InsertTrial(this),
            ("@id", ""), ("@sweep", ""), ("@number", 0), ("@parameters", ""));
        foreach (var trial in trials)
        {
            StoreRows.BindTrial(insert, trial);
            try
            {
                await insert.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }
            catch (DbException e) when (IsUniqueViolation(e))
            {
                throw StoreChecks.NumberTaken(trial, e);
            }
        }
    }

    /// <summary>Upserts epoch rows as <see cref="EpochQueries.UpsertOne"/> does; returns the rows written (the others were fenced out).</summary>
    public virtual async Task<int> UpsertEpochsAsync(StoreSession session, IReadOnlyList<EpochReport> rows, CancellationToken ct)
    {
        var written = 0;
        await using var upsert = session.Command(EpochQueries.UpsertOne(this), StoreRows.EpochValues(this, rows[0]));
        foreach (var row in rows)
        {
            foreach (var (name, value) in StoreRows.EpochValues(this, row)) StoreSession.Set(upsert, name, value);
            written += await upsert.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }
        return written;
    }
}
