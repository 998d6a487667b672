namespace AeGrid.SearchBenchmark;

/// <summary>
/// One finished epoch of one trial, as stored: its test MSE, when it finished, and how many epochs of training it cost
/// (more than 1 when a resumed attempt trained it again).
/// </summary>
public sealed record EpochEvent(int Trial, int Epoch, double TestMse, DateTimeOffset FinishedAt, int EpochsTrained);

/// <summary>
/// What one method × seed run left behind. <paramref name="Skipped"/> is why it did not run (the build lacks the method,
/// Optuna is not installed, aegrid refused the file); <paramref name="Problem"/> is why it ended badly after running.
/// </summary>
public sealed record RunRecord(
    SearchMethod Method,
    int Seed,
    IReadOnlyList<EpochEvent> Epochs,
    IReadOnlyDictionary<string, int> TrialsByStatus,
    TimeSpan Wall,
    string? Skipped = null,
    string? Problem = null)
{
    public static RunRecord Skip(SearchMethod method, int seed, string why) =>
        new(method, seed, [], new Dictionary<string, int>(), TimeSpan.Zero, Skipped: why);

    public bool Ran => Skipped is null;
}
