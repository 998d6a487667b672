using AeGrid.Abstractions;
using AeGrid.Grains.Placement;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using NpgsqlTypes;

namespace AeGrid.Grains.Store;

/// <summary>Attempts: the fencing and the slot ledger (<see cref="AttemptLedger"/>).</summary>
public sealed partial class PostgresTrialStore
{
    public Task<int?> BeginAttemptAsync(string trialId, string silo, TimeSpan lease, CancellationToken ct = default) =>
        _attempts.BeginAsync(trialId, silo, lease, ct);

    public Task<bool> RenewLeaseAsync(string trialId, int attempt, TimeSpan lease, CancellationToken ct = default) =>
        _attempts.RenewAsync(trialId, attempt, lease, ct);

    public Task<bool> EndAttemptAsync(string trialId, int attempt, TrialStatus status, string? error, string? outcome = null,
        CancellationToken ct = default) =>
        _attempts.EndAsync(trialId, attempt, status, error, outcome, ct);

    public Task<IReadOnlyList<string>> AbandonAttemptsOfSiloAsync(string silo, CancellationToken ct = default) =>
        _attempts.AbandonSiloAsync(silo, ct);

    public Task<IReadOnlyList<string>> ExpireLeasesAsync(string sweepId, CancellationToken ct = default) =>
        _attempts.ExpireLeasesAsync(sweepId, ct);

    public Task<IReadOnlyList<AttemptRecord>> GetAttemptsAsync(string trialId, CancellationToken ct = default) =>
        _attempts.GetAttemptsAsync(trialId, ct);

    public Task RecordFirstBatchAsync(string trialId, int attempt, CancellationToken ct = default) =>
        _attempts.RecordFirstBatchAsync(trialId, attempt, ct);

    public Task RegisterSiloAsync(string silo, string deviceKind, int slots, CancellationToken ct = default) =>
        _attempts.RegisterSiloAsync(silo, deviceKind, slots, ct);

    public Task UnregisterSiloAsync(string silo, CancellationToken ct = default) => _attempts.UnregisterSiloAsync(silo, ct);

    public Task<IReadOnlyList<SiloSlots>> GetSlotLedgerAsync(CancellationToken ct = default) => _attempts.GetSlotLedgerAsync(ct);
}
