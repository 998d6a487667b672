namespace AeGrid.Grains.Store;

/// <summary>What <see cref="ITrialStore.DeleteSweepAsync"/> did: a running sweep is never deleted, so its trainers
/// never write into rows that are gone.</summary>
public enum SweepDeletion { Deleted, NotFound, Running }
