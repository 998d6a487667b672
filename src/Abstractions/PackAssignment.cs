namespace AeGrid.Abstractions;

/// <summary>
/// A trial's place in a fused pack (`fuse: K` in its sweep file): the sweep admits up to K trials that can share one
/// model at once, under one pack id, onto one silo. There they train as one stacked model in one slot; each still owns
/// its attempt, epochs, checkpoints and verdicts, exactly as alone.
/// </summary>
/// <param name="Id">Unique per admission: the members' attempts carry it (trial_attempts.pack) and share one slot.</param>
/// <param name="Size">How many trials the sweep admitted under this id: the silo waits (briefly) for that many to join.</param>
[GenerateSerializer, Immutable, Alias("aegrid.pack-assignment")]
public sealed record PackAssignment([property: Id(0)] string Id, [property: Id(1)] int Size);
