namespace AeGrid.Catalog;

/// <summary>How an error message quotes a value a user gave: a file may hold megabytes in one scalar, a message is one
/// short line.</summary>
public static class ErrorText
{
    public const int QuotedLength = 60;

    /// <summary><paramref name="value"/> cut to <see cref="QuotedLength"/> characters, "..." marking a cut.</summary>
    public static string Quote(string value) => value.Length <= QuotedLength ? value : value[..(QuotedLength - 3)] + "...";
}
