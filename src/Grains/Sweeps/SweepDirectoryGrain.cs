using System.Collections.Immutable;
using System.Security.Cryptography;
using AeGrid.Abstractions;
using AeGrid.Grains.Samplers;
using AeGrid.Grains.Store;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;

namespace AeGrid.Grains.Sweeps;

/// <summary>Clients' entry point: creates sweeps from their files and answers lookups across sweeps. Stateless.</summary>
[StatelessWorker]
public sealed partial class SweepDirectoryGrain(ITrialStore store, IOptions<DatasetAccessOptions> datasetAccess) : Grain, ISweepDirectoryGrain
{
    public async Task<string> Submit(string specText, string sourceName)
    {
        // Both come from a client: the parser bounds the text (size, nesting) before YAML or JSON sees it, and the name
        // only ever appears in error messages, which must stay one short line.
        sourceName = CleanSourceName(sourceName);
        if (specText is null) throw new AeGridRequestException($"{sourceName}: no sweep file text was sent");
        SweepSpec spec;
        try
        {
            // The client checked the file too, but this silo decides what it reads: datasets only under its data roots.
            spec = SweepSpecParser.Parse(specText, sourceName, datasetAccess.Value.Roots());
        }
        catch (SweepSpecException e)
        {
            throw new AeGridRequestException(e.Message);
        }

        return await CreateAndStartAsync(spec, specText, origin: null, weights: null);
    }

    /// <summary>Creates the sweep with its first trials (and a fork's warm start, in the same transaction), then starts it.</summary>
    private async Task<string> CreateAndStartAsync(SweepSpec spec, string specText, SweepOrigin? origin, (int Epoch, byte[] Weights)? weights)
    {
        var id = $"{spec.Name}-{Convert.ToHexString(RandomNumberGenerator.GetBytes(3)).ToLowerInvariant()}";
        var trials = SamplerFactory.Create(spec).NextTrials(id, [], spec.InitialTrialCount);
        var record = new SweepRecord(id, spec.Name, SweepState.Running, specText, spec.Metric, spec.Maximize,
            DateTimeOffset.UtcNow, null, spec.Device, origin, FusionGrouping.EffectiveFuse(spec, forked: origin is not null));
        try
        {
            if (weights is { } warm) await store.CreateForkedSweepAsync(record, trials, new WarmStart(id, warm.Epoch, warm.Weights, record.CreatedAt));
            else await store.CreateSweepAsync(record, trials);
        }
        catch (DuplicateSweepException e)
        {
            throw new AeGridRequestException(
                $"{e.Message}; watch it with `aegrid sweep watch {e.ExistingId}`, or cancel it first, or rename this sweep");
        }
        await GrainFactory.GetGrain<ISweepGrain>(id).Start();
        return id;
    }

    private static string CleanSourceName(string? name)
    {
        if (string.IsNullOrWhiteSpace(name)) return "sweep";
        var clean = new string(name.Select(c => char.IsControl(c) ? '?' : c).ToArray());
        return clean.Length <= 100 ? clean : clean[..97] + "...";
    }

    public async Task<ImmutableArray<SweepSummary>> List()
    {
        var summaries = ImmutableArray.CreateBuilder<SweepSummary>();
        // One GROUP BY for every sweep's counts: a listing costs the sweeps, not the trial rows under them.
        var counts = await store.CountTrialsByStatusAsync();
        foreach (var sweep in await store.ListSweepsAsync())
        {
            var byStatus = counts.GetValueOrDefault(sweep.Id) ?? ImmutableDictionary<TrialStatus, int>.Empty;
            summaries.Add(new SweepSummary
            {
                Id = sweep.Id,
                Name = sweep.Name,
                State = sweep.State,
                Metric = sweep.Metric,
                Maximize = sweep.Maximize,
                TrialsByStatus = byStatus.ToImmutableDictionary(),
                CreatedAt = sweep.CreatedAt,
                FinishedAt = sweep.FinishedAt,
                EpochsRedone = await store.CountRedoneEpochsAsync(sweep.Id),
                TrialsToPropose = await TrialsToProposeAsync(sweep, byStatus.Values.Sum()),
                ForkedFrom = sweep.ForkedFrom,
            });
        }
        return summaries.ToImmutable();
    }

    /// <summary>A running TPE sweep's trials not proposed yet (its budget less those created); 0 for any other sweep.</summary>
    private async Task<int> TrialsToProposeAsync(SweepRecord sweep, int created)
    {
        if (sweep.State != SweepState.Running) return 0;
        SweepSpec spec;
        try
        {
            spec = SweepSpecParser.Parse(sweep.SpecText, sweep.Name);
        }
        catch (SweepSpecException)
        {
            return 0; // its grain says why when it activates; a listing shows what the rows hold
        }
        if (spec.Search != SearchKind.Tpe) return 0;
        return Math.Max(0, (await store.GetTrialBudgetAsync(sweep.Id) ?? spec.Trials!.Value) - created);
    }

    public async Task<ModelArtifact> GetModel(string trialId)
    {
        var trial = await store.GetTrialAsync(trialId) ?? throw new AeGridRequestException($"unknown trial {trialId}");
        var model = await store.GetModelAsync(trialId);
        if (model is null)
        {
            var kept = (await store.GetTrialsAsync(trial.SweepId)).Where(t => t.Kept).Select(t => t.TrialId).ToList();
            throw new AeGridRequestException(
                $"trial {trialId} has no kept model (status {trial.Status.ToWire()}); kept models of sweep {trial.SweepId}: " +
                (kept.Count == 0 ? "none yet" : string.Join(", ", kept)));
        }
        var epochs = await store.GetEpochsAsync(trialId);
        return new ModelArtifact(trialId, trial.Parameters, model.Weights, epochs.Count > 0 ? epochs[^1] : null);
    }
}
