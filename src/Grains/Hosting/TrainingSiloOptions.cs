namespace AeGrid.Grains.Hosting;

/// <summary>What this silo offers for training and how trials on it keep their claim. Bound from `aegrid silo` options.</summary>
public sealed class TrainingSiloOptions
{
    /// <summary>"cpu" or "cuda": the kind of slot this silo offers.</summary>
    public string DeviceKind { get; set; } = "cpu";
    /// <summary>False for a silo that only answers questions (a CLI reading the local store): it offers no slots and does not
    /// drive sweeps (admit, recover, finish); the process that trains them does.</summary>
    public bool Trains { get; set; } = true;
    /// <summary>Trainings this silo runs at once. 0 means: one per core on a CPU silo, one on a GPU silo.</summary>
    public int Slots { get; set; }
    /// <summary>Torch intra-op threads for each training (CPU). Null means one (see <see cref="EffectiveThreads"/>).</summary>
    public int? ThreadsPerSlot { get; set; }
    /// <summary>How long a trial attempt's claim stays valid without renewal. Recovery after a silo dies is driven by
    /// membership (seconds); the lease is the fallback for a silo that hangs without being declared dead.</summary>
    public TimeSpan AttemptLease { get; set; } = TimeSpan.FromSeconds(60);
    public TimeSpan LeaseRenewInterval { get; set; } = TimeSpan.FromSeconds(10);
    /// <summary>A trial running on a silo absent from this silo's membership for this long (since the sweep first saw it
    /// absent) is presumed lost: its silo left before this one saw it, e.g. before the whole cluster restarted. Local mode uses zero:
    /// each process is its own one-silo cluster, so an absent silo is an `aegrid run` that was stopped.</summary>
    public TimeSpan AbsentSiloGrace { get; set; } = TimeSpan.FromSeconds(30);
    /// <summary>A trial whose attempts ended with the death of their silo this many times in a row is failed with that
    /// reason rather than run again: it most likely takes silos down (out of memory).</summary>
    public int MaxSiloDeaths { get; set; } = 3;
    /// <summary>How often a sweep looks for free slots and stale trials.</summary>
    public TimeSpan SchedulerInterval { get; set; } = TimeSpan.FromSeconds(1);
    /// <summary>How often a sweep reads every one of its trial rows, as the backstop for what no report told it (another
    /// process's write); between these it reads only the trials it knows changed and the running ones.</summary>
    public TimeSpan SweepReconcileInterval { get; set; } = TimeSpan.FromSeconds(30);
    /// <summary>The durable reminder that brings a sweep back after every silo restarted. Orleans' minimum is 1 minute.</summary>
    public TimeSpan SweepReminderPeriod { get; set; } = TimeSpan.FromMinutes(1);
    /// <summary>How often a running trial pushes its live progress to its sweep.</summary>
    public TimeSpan ProgressInterval { get; set; } = TimeSpan.FromSeconds(1);
    /// <summary>Inside-epoch checkpoint interval in batches; null checkpoints only at epoch ends. A sweep file may override.</summary>
    public int? CheckpointEveryBatches { get; set; }

    /// <summary>
    /// As set, else one per core on a CPU silo (each training on one thread: see <see cref="EffectiveThreads"/>) and one on
    /// a GPU silo.
    /// </summary>
    public int EffectiveSlots => Slots > 0 ? Slots : DeviceKind == "cpu" ? Environment.ProcessorCount : 1;

    /// <summary>
    /// Threads per training: as set, else one. Measured (benchmarks/README.md, "Training" → "Threads"): two 1-thread
    /// trainings side by side gave 2.1–2.6× the samples/s of one 2-thread training, and libtorch's workers spin-wait, so
    /// more threads than cores (two trainings of two threads on two cores) is many times slower, not a little. Cores are
    /// better spent on more slots.
    /// </summary>
    public int EffectiveThreads => ThreadsPerSlot ?? 1;
}
