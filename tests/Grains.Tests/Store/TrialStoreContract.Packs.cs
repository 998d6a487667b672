using AeGrid.Abstractions;

namespace AeGrid.Grains.Tests.Store;

/// <summary>Fused packs (`fuse: K`): the attempts of one pack on one silo share one slot; the ledger counts packs.</summary>
public abstract partial class TrialStoreContract
{
    [Fact]
    public async Task Attempts_of_one_pack_share_a_slot_and_the_ledger_counts_packs()
    {
        var (_, trialIds) = await NewSweepAsync(trials: 6);
        var silo = await NewSiloAsync(slots: 2);
        var lease = TimeSpan.FromMinutes(1);

        // Three members of pack A take one slot between them.
        foreach (var trial in trialIds.Take(3)) Assert.Equal(1, await Store.BeginAttemptAsync(trial, silo, lease, "pack-a"));
        Assert.Equal(1, (await Store.GetSlotLedgerAsync()).Single(s => s.Silo == silo).Used);

        // A solo trial takes the second slot; then the silo is full for anything but pack A.
        Assert.Equal(1, await Store.BeginAttemptAsync(trialIds[3], silo, lease));
        Assert.Equal(2, (await Store.GetSlotLedgerAsync()).Single(s => s.Silo == silo).Used);
        Assert.Null(await Store.BeginAttemptAsync(trialIds[4], silo, lease, "pack-b"));
        Assert.Null(await Store.BeginAttemptAsync(trialIds[4], silo, lease));
        Assert.Equal(1, await Store.BeginAttemptAsync(trialIds[4], silo, lease, "pack-a"));

        // The pack's slot frees only when its last member ends.
        foreach (var trial in new[] { trialIds[0], trialIds[1], trialIds[4] })
            Assert.True(await Store.EndAttemptAsync(trial, 1, TrialStatus.Completed, null));
        Assert.Equal(2, (await Store.GetSlotLedgerAsync()).Single(s => s.Silo == silo).Used);
        Assert.Null(await Store.BeginAttemptAsync(trialIds[5], silo, lease, "pack-b"));
        Assert.True(await Store.EndAttemptAsync(trialIds[2], 1, TrialStatus.Completed, null));
        Assert.Equal(1, (await Store.GetSlotLedgerAsync()).Single(s => s.Silo == silo).Used);
        Assert.Equal(1, await Store.BeginAttemptAsync(trialIds[5], silo, lease, "pack-b"));
    }

    [Fact]
    public async Task A_pack_on_another_silo_lends_no_slot_here()
    {
        var (_, trialIds) = await NewSweepAsync(trials: 3);
        var (full, other) = (await NewSiloAsync(slots: 1), await NewSiloAsync(slots: 1));
        var lease = TimeSpan.FromMinutes(1);
        Assert.Equal(1, await Store.BeginAttemptAsync(trialIds[0], other, lease, "pack-a"));
        Assert.Equal(1, await Store.BeginAttemptAsync(trialIds[1], full, lease));
        // pack-a trains on the other silo: here it would need a free slot of its own.
        Assert.Null(await Store.BeginAttemptAsync(trialIds[2], full, lease, "pack-a"));
        Assert.Equal(1, await Store.BeginAttemptAsync(trialIds[2], other, lease, "pack-a"));
    }
}
