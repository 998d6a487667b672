using AeGrid.Grains.Hosting;
using AeGrid.Models.Data;
using AeGrid.Models.Fusion;
using AeGrid.Models.Training;

namespace AeGrid.Grains.Trials;

/// <summary>Where an attempt's training runs: alone on a thread of its own, or as a member of its fused pack.</summary>
public sealed partial class TrialGrain
{
    /// <summary>
    /// Starts the attempt's training off the grain scheduler (it is synchronous and long); the relay completes when the
    /// training of this trial ends, alone or when it leaves its pack.
    /// </summary>
    Task<TrainingResult> StartTraining(Attempt attempt, Hyperparameters training, TrainingOptions options, Checkpoint? checkpoint)
    {
        // Under this silo's data roots only, whatever the stored sweep names (one stored before the roots were checked too).
        Dataset LoadData() => DatasetCatalog.Load(training.Dataset!, training.Limit, dataAccess.Value.Roots());

        // A member that could never share a model (or starts from a fork's weights) trains alone in its pack's slot.
        if (attempt.Pack is { } pack && options.InitialWeights is null && FusionPlan.Incompatibility(training, training) is null)
        {
            var member = new PackMember(training, attempt.Relay)
            {
                Resume = checkpoint, Cancel = attempt.Cancel.Token, Pause = attempt.Pause.Token,
            };
            return TrainInPackAsync(attempt, packHost.TrainAsync(pack, member, LoadData, options));
        }
        return Task.Run(() =>
        {
            AeGridTelemetry.TrainingThreads.Add(1);
            try
            {
                return Trainer.Run(training, LoadData(), options, checkpoint, attempt.Relay, attempt.Cancel.Token, attempt.Pause.Token);
            }
            finally
            {
                attempt.Relay.Complete();
                AeGridTelemetry.TrainingThreads.Add(-1);
            }
        });
    }

    static async Task<TrainingResult> TrainInPackAsync(Attempt attempt, Task<TrainingResult> training)
    {
        try
        {
            return await training;
        }
        finally
        {
            attempt.Relay.Complete();
        }
    }
}
