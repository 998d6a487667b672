using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace AeGrid.Grains.Hosting;

/// <summary>AeGrid's own trace source and meter: trial attempts as spans, epochs, samples and slot use as metrics.</summary>
public static class AeGridTelemetry
{
    public const string SourceName = "AeGrid";
    public const string MeterName = "AeGrid";

    public static readonly ActivitySource Source = new(SourceName);
    static readonly Meter Meter = new(MeterName);

    public static readonly Counter<long> EpochsCompleted = Meter.CreateCounter<long>("aegrid.epochs", description: "Epochs trained");
    public static readonly Counter<long> TrialsEnded = Meter.CreateCounter<long>("aegrid.trials.ended", description: "Trial attempts ended, by status");
    public static readonly Counter<long> PbtExploits = Meter.CreateCounter<long>("aegrid.pbt.exploits",
        description: "Population-based training exploits: a bottom trial took a top trial's checkpoint and perturbed hyperparameters");
    public static readonly Histogram<double> EpochSeconds = Meter.CreateHistogram<double>("aegrid.epoch.duration", unit: "s");
    public static readonly UpDownCounter<int> BusySlots = Meter.CreateUpDownCounter<int>("aegrid.slots.busy", description: "Training slots in use on this silo");
    /// <summary>Training threads actually running, which a slot's accounting could miss (an attempt that ended while its
    /// thread still trained would free the slot and let the trial be admitted again).</summary>
    public static readonly UpDownCounter<int> TrainingThreads = Meter.CreateUpDownCounter<int>("aegrid.training.threads",
        description: "Training threads running on this silo");
}
