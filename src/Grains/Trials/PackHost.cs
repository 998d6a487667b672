using AeGrid.Abstractions;
using AeGrid.Grains.Hosting;
using AeGrid.Models.Data;
using AeGrid.Models.Fusion;
using AeGrid.Models.Training;
using Microsoft.Extensions.Logging;

namespace AeGrid.Grains.Trials;

/// <summary>
/// This silo's fused packs (`fuse: K`). Each trial grain of a pack brings its member — config, relay, resume checkpoint,
/// cancel and pause — and gets back its own result, as <see cref="Trainer.Run"/> would have returned it; one training
/// thread trains them all as one <see cref="FusedPack"/> in the pack's one slot. A member's task completes as soon as it
/// leaves the pack (pruned, cancelled, handed off, diverged, done), so its grain ends its attempt while the others train on.
/// </summary>
/// <remarks>
/// A pack forms when all <see cref="PackAssignment.Size"/> members joined, or <see cref="JoinWindow"/> after the first did
/// (a member refused its slot, or placed elsewhere, never comes). Members whose checkpoints stand at different positions
/// (resumed after a hand-off or a silo's death) cannot step together: they train as several packs, one after another on
/// the same thread, as the slot's one share of the machine. Whatever cannot be fused after all trains alone, in turn.
/// </remarks>
public sealed partial class PackHost(ILogger<PackHost> logger)
{
    /// <summary>How long a pack waits for its last members: far longer than a claim takes, short next to any training.</summary>
    public static readonly TimeSpan JoinWindow = TimeSpan.FromSeconds(5);

    readonly Lock _gate = new();
    readonly Dictionary<string, Forming> _forming = new();

    sealed record Joined(PackMember Member, TaskCompletionSource<TrainingResult> Result);

    /// <summary>A pack still taking members; its first member's data and options are the pack's.</summary>
    sealed class Forming(PackAssignment pack, Func<Dataset> loadData, TrainingOptions options)
    {
        public PackAssignment Pack { get; } = pack;
        public Func<Dataset> LoadData { get; } = loadData;
        public TrainingOptions Options { get; } = options;
        public List<Joined> Members { get; } = [];
        public TaskCompletionSource Full { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <summary>Trains <paramref name="member"/> in <paramref name="pack"/>; completes when the member leaves it.</summary>
    /// <param name="loadData">The member's dataset (members of a pack share it; the first one's is loaded).</param>
    /// <param name="options">Device, threads and checkpoint interval; no initial weights (a pack cannot load them).</param>
    public Task<TrainingResult> TrainAsync(PackAssignment pack, PackMember member, Func<Dataset> loadData, TrainingOptions options)
    {
        if (options.InitialWeights is not null) throw new ArgumentException("a fused pack cannot start from initial weights", nameof(options));
        var joined = new Joined(member, new TaskCompletionSource<TrainingResult>(TaskCreationOptions.RunContinuationsAsynchronously));
        Forming? opened = null;
        lock (_gate)
        {
            if (!_forming.TryGetValue(pack.Id, out var forming))
                _forming[pack.Id] = forming = opened = new Forming(pack, loadData, options);
            forming.Members.Add(joined);
            if (forming.Members.Count >= pack.Size)
            {
                _forming.Remove(pack.Id); // a member that still comes forms a pack of its own
                forming.Full.TrySetResult();
            }
        }
        // Off the caller's scheduler (a grain's): the pack's wait and its training belong to the thread pool.
        if (opened is not null) _ = Task.Run(() => TrainWhenFormedAsync(opened));
        return joined.Result.Task;
    }

    async Task TrainWhenFormedAsync(Forming forming)
    {
        await Task.WhenAny(forming.Full.Task, Task.Delay(JoinWindow)).ConfigureAwait(false);
        List<Joined> members;
        lock (_gate)
        {
            if (_forming.TryGetValue(forming.Pack.Id, out var current) && current == forming) _forming.Remove(forming.Pack.Id);
            members = [.. forming.Members]; // no member joins a pack no longer in _forming
        }
        if (members.Count < forming.Pack.Size) LogPackShort(forming.Pack.Id, members.Count, forming.Pack.Size);
        await Task.Run(() => Train(forming, members)).ConfigureAwait(false);
    }

    void Train(Forming forming, List<Joined> members)
    {
        AeGridTelemetry.TrainingThreads.Add(1);
        AeGridTelemetry.BusySlots.Add(1);
        try
        {
            Dataset data;
            try
            {
                data = forming.LoadData();
            }
            catch (Exception e)
            {
                foreach (var joined in members) joined.Result.TrySetException(e);
                return;
            }
            foreach (var group in members.GroupBy(m => (m.Member.Resume?.Epoch ?? 0, m.Member.Resume?.Batch ?? 0)))
                TrainTogether([.. group], data, forming);
        }
        finally
        {
            AeGridTelemetry.BusySlots.Add(-1);
            AeGridTelemetry.TrainingThreads.Add(-1);
        }
    }

    void TrainTogether(List<Joined> group, Dataset data, Forming forming)
    {
        if (group.Count == 1)
        {
            TrainAlone(group[0], data, forming.Options);
            return;
        }
        FusedPack pack;
        try
        {
            pack = FusedPack.Create([.. group.Select(m => m.Member)], data, forming.Options);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A member that cannot join (a bad config, an unusable checkpoint) fails alone, with the solo run's own error.
            LogCannotFuse(e, forming.Pack.Id, group.Count);
            foreach (var joined in group) TrainAlone(joined, data, forming.Options);
            return;
        }
        using (pack)
        {
            LogPackTraining(forming.Pack.Id, group.Count, pack.Position.Epoch, pack.Position.Batch);
            pack.MemberLeft += (index, result) => group[index].Result.TrySetResult(result);
            try
            {
                var results = pack.Train();
                for (int i = 0; i < group.Count; i++) group[i].Result.TrySetResult(results[i]);
            }
            catch (Exception e)
            {
                // One failure of the shared step fails every member still in the pack: each retries on its own terms.
                foreach (var joined in group) joined.Result.TrySetException(e);
            }
        }
    }

    static void TrainAlone(Joined joined, Dataset data, TrainingOptions options)
    {
        var member = joined.Member;
        try
        {
            joined.Result.TrySetResult(Trainer.Run(member.Config, data, options, member.Resume, member.Observer, member.Cancel, member.Pause));
        }
        catch (Exception e)
        {
            joined.Result.TrySetException(e);
        }
    }

    [LoggerMessage(LogLevel.Information, "Pack {PackId}: {Members} members train fused from epoch {Epoch}, batch {Batch}")]
    partial void LogPackTraining(string packId, int members, int epoch, int batch);
    [LoggerMessage(LogLevel.Warning, "Pack {PackId}: {Joined} of {Size} members joined within the join window; training those")]
    partial void LogPackShort(string packId, int joined, int size);
    [LoggerMessage(LogLevel.Warning, "Pack {PackId}: its {Members} members cannot train fused; each trains alone")]
    partial void LogCannotFuse(Exception e, string packId, int members);
}
