namespace AeGrid.Abstractions;

/// <summary>
/// A request the grid refuses for a reason the user can act on (bad sweep file, unknown id, duplicate name).
/// Crosses the wire with its message intact; the CLI prints the message as one line.
/// </summary>
[GenerateSerializer, Alias("aegrid.request-exception")]
public sealed class AeGridRequestException : Exception
{
    public AeGridRequestException(string message) : base(message) { }
    public AeGridRequestException(string message, Exception inner) : base(message, inner) { }
}
