namespace AeGrid.Grains.Store;

/// <summary>
/// Schema migration 6 in both stores: the device a sweep's trials need (`device:` in its file). trials.device is what the
/// Kubernetes autoscaler (KEDA) counts per device, so its name and values are a contract: 'cpu', 'cuda' or 'any'.
/// sweeps.device is the sweep's choice, copied to each trial it creates (also those `extend` adds later).
/// </summary>
internal static class DeviceMigrations
{
    public const int Version = 6;
    public const string Description = "sweeps.device and trials.device: the slots a trial may use (cpu, cuda, any)";

    public const string Postgres = """
        ALTER TABLE sweeps ADD COLUMN device text NOT NULL DEFAULT 'any' CHECK (device IN ('cpu', 'cuda', 'any'));
        ALTER TABLE trials ADD COLUMN device text NOT NULL DEFAULT 'any' CHECK (device IN ('cpu', 'cuda', 'any'));
        -- The autoscaler counts unfinished trials per device every few seconds.
        CREATE INDEX trials_unfinished_by_device ON trials (device) WHERE status IN ('pending', 'running');
        """;

    public const string Sqlite = """
        ALTER TABLE sweeps ADD COLUMN device TEXT NOT NULL DEFAULT 'any' CHECK (device IN ('cpu', 'cuda', 'any'));
        ALTER TABLE trials ADD COLUMN device TEXT NOT NULL DEFAULT 'any' CHECK (device IN ('cpu', 'cuda', 'any'));
        """;

    /// <summary>The value a new trial row takes for its device: its sweep's (the sweep row is written first).</summary>
    public const string TrialDeviceFromSweep = "(SELECT device FROM sweeps WHERE id = {0})";
}
