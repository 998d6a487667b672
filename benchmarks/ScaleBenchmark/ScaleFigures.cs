using Npgsql;

namespace AeGrid.ScaleBenchmark;

/// <summary>A distribution of durations in seconds, summarised as the report prints it.</summary>
public sealed record Spread(int Count, double P50, double P99, double Max, double Mean)
{
    public static Spread Of(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0
            ? new Spread(0, double.NaN, double.NaN, double.NaN, double.NaN)
            : new Spread(sorted.Length, Percentile(sorted, 0.50), Percentile(sorted, 0.99), sorted[^1], sorted.Average());
    }

    /// <summary>Nearest-rank percentile: the smallest value with at least <paramref name="q"/> of the values at or below it.</summary>
    static double Percentile(double[] sorted, double q) => sorted[Math.Clamp((int)Math.Ceiling(q * sorted.Length) - 1, 0, sorted.Length - 1)];
}

/// <summary>
/// The figures of one configuration, computed from what the store durably holds (attempt rows, trial rows, epoch rows)
/// rather than from anything the benchmark timed itself, so they describe the grid as its users would see it.
/// </summary>
public sealed record ScaleFigures
{
    public required int Silos { get; init; }
    public required int SlotsPerSilo { get; init; }
    public required int Trials { get; init; }
    public required int Completed { get; init; }
    /// <summary>Trials that ended in any other state, or did not end before the time-out.</summary>
    public required IReadOnlyDictionary<string, int> ByStatus { get; init; }
    public required int Attempts { get; init; }
    /// <summary>First attempt start to last attempt end.</summary>
    public required TimeSpan Wall { get; init; }
    public double TrialsPerMinute => Wall > TimeSpan.Zero ? Completed / Wall.TotalMinutes : double.NaN;
    /// <summary>Admission (the attempt's slot claim, started_at) to its first finished batch (first_batch_at).</summary>
    public required Spread AdmissionToFirstBatch { get; init; }
    /// <summary>Attempts with no first_batch_at (ended before a batch, or the stamp was lost).</summary>
    public required int MissingFirstBatch { get; init; }
    /// <summary>Waiting in pending for a free slot: the trial's creation to its first attempt's start.</summary>
    public required Spread Queueing { get; init; }
    /// <summary>A slot's idle time between one attempt's end and the next attempt's start on the same silo.</summary>
    public required Spread SlotTurnaround { get; init; }
    /// <summary>Sum of attempt durations over (slots × wall).</summary>
    public required double SlotBusy { get; init; }
    /// <summary>Per completed trial: its attempts' durations minus the training seconds its epochs reported.</summary>
    public required Spread Overhead { get; init; }
    /// <summary>Per completed trial: the training seconds its epochs reported (the useful work).</summary>
    public required Spread TrainingSeconds { get; init; }
    public required Spread AttemptDuration { get; init; }
    /// <summary>
    /// The grid's bookkeeping per trial: the slot's time from the previous attempt's end (same silo, one slot) to this
    /// trial's end, less the trial's training seconds. That is its slot turnaround plus its overhead: telling the sweep,
    /// admission, placement, the claim, set-up, evaluation, checkpoint and epoch writes, ending the attempt. Trials of one
    /// attempt that follow another on their silo.
    /// </summary>
    public required Spread Bookkeeping { get; init; }
    /// <summary>Completed attempts per silo: how evenly placement spread the work.</summary>
    public required IReadOnlyDictionary<string, int> AttemptsPerSilo { get; init; }

    record AttemptRow(string TrialId, int Attempt, string Silo, DateTime Started, DateTime? Ended, DateTime? FirstBatch);

    public static async Task<ScaleFigures> ReadAsync(string connectionString, string sweepId, int silos, int slotsPerSilo, CancellationToken ct)
    {
        await using var dataSource = NpgsqlDataSource.Create(connectionString);

        var attempts = await QueryAsync(dataSource, """
            SELECT a.trial_id, a.attempt, a.silo, a.started_at, a.ended_at, a.first_batch_at
            FROM trial_attempts a JOIN trials t ON t.id = a.trial_id
            WHERE t.sweep_id = $1
            """, r => new AttemptRow(r.GetString(0), r.GetInt32(1), r.GetString(2), r.GetDateTime(3),
                r.IsDBNull(4) ? null : r.GetDateTime(4), r.IsDBNull(5) ? null : r.GetDateTime(5)), sweepId, ct);
        var trials = await QueryAsync(dataSource, "SELECT id, status, created_at FROM trials WHERE sweep_id = $1",
            r => (Id: r.GetString(0), Status: r.GetString(1), Created: r.GetDateTime(2)), sweepId, ct);
        var training = (await QueryAsync(dataSource, """
            SELECT e.trial_id, sum(e.wall_seconds) FROM epoch_metrics e JOIN trials t ON t.id = e.trial_id
            WHERE t.sweep_id = $1 GROUP BY e.trial_id
            """, r => (Trial: r.GetString(0), Seconds: r.GetDouble(1)), sweepId, ct)).ToDictionary(x => x.Trial, x => x.Seconds);

        var ended = attempts.Where(a => a.Ended is not null).ToList();
        var wall = ended.Count == 0 ? TimeSpan.Zero : ended.Max(a => a.Ended!.Value) - attempts.Min(a => a.Started);
        var firstStart = attempts.GroupBy(a => a.TrialId).ToDictionary(g => g.Key, g => g.Min(a => a.Started));
        var completed = trials.Where(t => t.Status == "completed").Select(t => t.Id).ToHashSet();
        var durationsByTrial = ended.GroupBy(a => a.TrialId)
            .ToDictionary(g => g.Key, g => g.Sum(a => (a.Ended!.Value - a.Started).TotalSeconds));

        return new ScaleFigures
        {
            Silos = silos,
            SlotsPerSilo = slotsPerSilo,
            Trials = trials.Count,
            Completed = completed.Count,
            ByStatus = trials.GroupBy(t => t.Status).OrderBy(g => g.Key).ToDictionary(g => g.Key, g => g.Count()),
            Attempts = attempts.Count,
            Wall = wall,
            AdmissionToFirstBatch = Spread.Of(attempts.Where(a => a.FirstBatch is not null)
                .Select(a => (a.FirstBatch!.Value - a.Started).TotalSeconds)),
            MissingFirstBatch = attempts.Count(a => a.FirstBatch is null),
            Queueing = Spread.Of(trials.Where(t => firstStart.ContainsKey(t.Id)).Select(t => (firstStart[t.Id] - t.Created).TotalSeconds)),
            SlotTurnaround = Spread.Of(TurnaroundGaps(ended)),
            SlotBusy = wall > TimeSpan.Zero
                ? ended.Sum(a => (a.Ended!.Value - a.Started).TotalSeconds) / (silos * slotsPerSilo * wall.TotalSeconds)
                : double.NaN,
            Overhead = Spread.Of(completed.Where(durationsByTrial.ContainsKey)
                .Select(id => durationsByTrial[id] - training.GetValueOrDefault(id))),
            TrainingSeconds = Spread.Of(completed.Select(id => training.GetValueOrDefault(id))),
            AttemptDuration = Spread.Of(ended.Select(a => (a.Ended!.Value - a.Started).TotalSeconds)),
            Bookkeeping = Spread.Of(BookkeepingPerTrial(ended, completed, training)),
            AttemptsPerSilo = ended.GroupBy(a => a.Silo).OrderBy(g => g.Key).ToDictionary(g => g.Key, g => g.Count()),
        };
    }

    /// <summary>
    /// For each silo, the gaps between an attempt's end and the next attempt's start there. With one slot per silo this
    /// is exactly how long the slot stood idle: the cost of ending a trial, telling the sweep, and placing the next.
    /// </summary>
    static IEnumerable<double> TurnaroundGaps(IEnumerable<AttemptRow> ended) =>
        ended.GroupBy(a => a.Silo).SelectMany(silo =>
        {
            var ordered = silo.OrderBy(a => a.Started).ToList();
            return ordered.Zip(ordered.Skip(1), (previous, next) => (next.Started - previous.Ended!.Value).TotalSeconds);
        });

    static IEnumerable<double> BookkeepingPerTrial(IEnumerable<AttemptRow> ended, IReadOnlySet<string> completed,
        IReadOnlyDictionary<string, double> training)
    {
        var single = ended.GroupBy(a => a.TrialId).Where(g => g.Count() == 1).Select(g => g.Key).ToHashSet();
        return ended.GroupBy(a => a.Silo).SelectMany(silo =>
        {
            var ordered = silo.OrderBy(a => a.Started).ToList();
            return ordered.Zip(ordered.Skip(1), (previous, next) => (previous, next))
                .Where(p => completed.Contains(p.next.TrialId) && single.Contains(p.next.TrialId))
                .Select(p => (p.next.Ended!.Value - p.previous.Ended!.Value).TotalSeconds - training.GetValueOrDefault(p.next.TrialId));
        });
    }

    static async Task<List<T>> QueryAsync<T>(NpgsqlDataSource dataSource, string sql, Func<NpgsqlDataReader, T> read, string sweepId,
        CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(sql);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = sweepId });
        await using var reader = await command.ExecuteReaderAsync(ct);
        var rows = new List<T>();
        while (await reader.ReadAsync(ct)) rows.Add(read(reader));
        return rows;
    }
}
