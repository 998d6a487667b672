namespace AeGrid.Client.Output;

/// <summary>How `aegrid` reports a failure: one line on stderr, prefixed "error:".</summary>
internal static class ErrorReport
{
    /// <summary>Set to 1 to get stack traces of unexpected errors.</summary>
    public const string DebugVariable = "AEGRID_DEBUG";

    /// <summary>Any store password this process knows is blanked out first: messages may come from Npgsql or Orleans.</summary>
    public static bool Debugging => Environment.GetEnvironmentVariable(DebugVariable) is { Length: > 0 } value && value != "0";

    public static void Write(TextWriter error, string message) =>
        error.WriteLine($"error: {OneLine(AeGrid.Grains.Store.SecretText.Scrub(message))}");

    /// <summary>A bug or an environment problem we did not anticipate: still one line unless debugging.</summary>
    public static void Unexpected(TextWriter error, Exception exception)
    {
        var debugging = Debugging;
        Write(error, $"{exception.GetType().Name}: {exception.Message}"
                     + (debugging ? "" : $" (set {DebugVariable}=1 for the stack trace)"));
        if (debugging)
        {
            error.WriteLine(AeGrid.Grains.Store.SecretText.Scrub(exception.ToString()));
        }
    }

    private static string OneLine(string message) =>
        string.Join(' ', message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
