using System.Diagnostics;
using System.Text;
using AeGrid.Models.Architectures;
using AeGrid.Models.Data;
using AeGrid.Models.Training.Optimizers;
using TorchSharp;
using static TorchSharp.torch;

namespace AeGrid.Models.Training;

/// <summary>
/// One call of <see cref="Trainer.Run"/>: the model, optimiser and device-resident data, and the loop over
/// epochs and batches. Every random draw is derived from (seed, epoch, batch) (see <see cref="Seeds"/>), so
/// resuming at a checkpoint's position replays exactly what an uninterrupted run would have done.
/// </summary>
internal sealed class TrainingSession : IDisposable
{
    readonly Hyperparameters config;
    readonly Autoencoder model;
    readonly ParameterOptimizer optimizer;
    readonly DeviceData data;
    readonly string shape;
    int completedEpochs;
    int batchesDone;
    EpochProgress progress;

    TrainingSession(Hyperparameters config, Autoencoder model, ParameterOptimizer optimizer, DeviceData data)
    {
        this.config = config;
        this.model = model;
        this.optimizer = optimizer;
        this.data = data;
        shape = config.ShapeDescription();
    }

    int TrainCount => data.TrainSet!.Count;
    int BatchSize => config.BatchSize!.Value;
    int BatchesPerEpoch => (TrainCount + BatchSize - 1) / BatchSize;

    /// <param name="config">Defaults filled and validated.</param>
    /// <param name="initialWeights">A fresh start's weights (a warm start); null for seeded initialisation.</param>
    public static TrainingSession Start(Hyperparameters config, Dataset dataset, Device device, Checkpoint? resume, byte[]? initialWeights = null)
    {
        var contents = resume is null ? null : CheckpointFormat.Read(resume, config.ShapeDescription());
        var model = ArchitectureRegistry.Get(config.Architecture).Create(config);
        DeviceData? data = null;
        ParameterOptimizer? optimizer = null;
        try
        {
            if (contents is null) ModelInitialisation.Apply(model, config, initialWeights);
            else TrainedModel.LoadState(model, contents.ModelState, "checkpoint", config);
            model.to(device);
            model.train();
            optimizer = ParameterOptimizer.Create(config.Optimizer!, model.parameters(), config.LearningRate!.Value);
            if (contents is not null) LoadOptimizerState(optimizer, contents.OptimizerState);
            data = DeviceData.Create(dataset, config, device, includeTrain: true);
            var session = new TrainingSession(config, model, optimizer, data);
            if (contents is not null)
            {
                if (contents.Batch > session.BatchesPerEpoch)
                    throw new CheckpointFormatException(
                        $"checkpoint is at batch {contents.Batch} of epoch {contents.Epoch + 1}, but an epoch here has only " +
                        $"{session.BatchesPerEpoch} batches ({session.TrainCount} images, {HyperparameterCatalog.BatchSize} {session.BatchSize}); resume with the config it was made with");
                session.completedEpochs = contents.Epoch;
                session.batchesDone = contents.Batch;
                session.progress = contents.Progress;
            }
            return session;
        }
        catch
        {
            data?.Dispose();
            optimizer?.Dispose();
            model.Dispose();
            throw;
        }
    }

    public TrainingResult Train(TrainingOptions options, ITrainingObserver observer, CancellationToken cancel, CancellationToken pause)
    {
        var epochs = new List<EpochMetrics>();
        for (int epoch = completedEpochs + 1; epoch <= config.Epochs; epoch++)
        {
            using var order = config.Shuffle == true ? Permutation(epoch) : null;
            for (; batchesDone < BatchesPerEpoch; batchesDone++)
            {
                if (cancel.IsCancellationRequested)
                    return new TrainingResult(TrainingOutcome.Cancelled, epochs, $"cancelled at epoch {epoch}, batch {batchesDone}");
                if (pause.IsCancellationRequested)
                {
                    observer.OnCheckpoint(Capture(batchesDone));
                    return new TrainingResult(TrainingOutcome.Paused, epochs, $"paused at epoch {epoch}, batch {batchesDone}");
                }
                var (loss, pixelMse, samples, seconds) = TrainBatch(epoch, batchesDone, order);
                int done = batchesDone + 1;
                if (!double.IsFinite(loss))
                    return Diverged(epochs, $"training loss became {loss} at epoch {epoch}, batch {done} (lr {config.LearningRate}, optimizer {config.Optimizer})");
                progress = progress.Add(pixelMse, samples, seconds);
                observer.OnBatch(new BatchProgress(epoch, done, BatchesPerEpoch, loss, progress.Samples / progress.TrainingSeconds));
                // The epoch's last batch is followed by the epoch-end checkpoint instead.
                if (options.CheckpointEveryBatches is { } every && done % every == 0 && done < BatchesPerEpoch)
                    observer.OnCheckpoint(Capture(done));
            }
            var metrics = Evaluation.Measure(model, config, data, epoch, progress.Mse, progress.Samples / progress.TrainingSeconds, progress.TrainingSeconds);
            if (!double.IsFinite(metrics.TestMse))
                return Diverged(epochs, $"test MSE became {metrics.TestMse} after epoch {epoch} (lr {config.LearningRate}, optimizer {config.Optimizer})");
            completedEpochs = epoch;
            batchesDone = 0;
            progress = EpochProgress.Empty;
            epochs.Add(metrics);
            observer.OnEpoch(metrics);
            observer.OnCheckpoint(Capture(batchesDone));
        }
        return new TrainingResult(TrainingOutcome.Completed, epochs, null);
    }

    (double Loss, double PixelMse, int Samples, double Seconds) TrainBatch(int epoch, int batch, Tensor? order)
    {
        var clock = Stopwatch.StartNew();
        using var scope = NewDisposeScope();
        long start = (long)batch * BatchSize, size = Math.Min(BatchSize, TrainCount - start);
        var clean = order is null ? data.Train!.narrow(0, start, size) : data.Train!.index_select(0, order.narrow(0, start, size));
        var input = clean;
        if (config.NoiseFactor > 0)
        {
            using var generator = Seeds.TrainNoise(config.Seed, epoch, batch);
            input = InputNoise.Apply(clean, config.NoiseFactor.Value, config.ClipNoise!.Value, generator);
        }
        var output = model.forward(input);
        var loss = nn.functional.mse_loss(output, model.TrainingTarget(clean));
        double lossValue = loss.item<float>();
        // A non-finite loss ends the run; stepping on it would only spread NaN through the weights.
        if (!double.IsFinite(lossValue)) return (lossValue, lossValue, (int)size, clock.Elapsed.TotalSeconds);
        optimizer.ZeroGrad();
        loss.backward();
        optimizer.Step();
        double pixelMse = lossValue;
        if (!model.OutputsPixels)
        {
            using var _ = no_grad();
            pixelMse = nn.functional.mse_loss(model.ToPixels(output.detach(), input), clean).item<float>();
        }
        return (lossValue, pixelMse, (int)size, clock.Elapsed.TotalSeconds);
    }

    Tensor Permutation(int epoch)
    {
        using var generator = Seeds.Shuffle(config.Seed, epoch);
        using var cpuOrder = randperm(TrainCount, generator: generator);
        return cpuOrder.to(data.Train!.device);
    }

    TrainingResult Diverged(List<EpochMetrics> epochs, string message) => new(TrainingOutcome.Diverged, epochs, message);

    /// <summary>The state after <see cref="completedEpochs"/> epochs and <paramref name="batches"/> batches of the next, with its partial sums.</summary>
    Checkpoint Capture(int batches)
    {
        using var modelState = new MemoryStream();
        using (var writer = new BinaryWriter(modelState, Encoding.UTF8, leaveOpen: true)) model.save(writer);
        using var optimizerState = new MemoryStream();
        using (var writer = new BinaryWriter(optimizerState, Encoding.UTF8, leaveOpen: true)) optimizer.Save(writer);
        var bytes = CheckpointFormat.Write(new CheckpointContents(shape, completedEpochs, batches, progress,
            modelState.ToArray(), optimizerState.ToArray()));
        return new Checkpoint(completedEpochs, batches, bytes);
    }

    static void LoadOptimizerState(ParameterOptimizer optimizer, byte[] state)
    {
        try
        {
            using var reader = new BinaryReader(new MemoryStream(state), Encoding.UTF8);
            optimizer.Load(reader);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new CheckpointFormatException($"checkpoint: the optimiser state cannot be restored: {e.Message}", e);
        }
    }

    public void Dispose()
    {
        data.Dispose();
        optimizer.Dispose();
        model.Dispose();
    }
}
