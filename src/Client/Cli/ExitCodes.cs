namespace AeGrid.Client.Cli;

/// <summary>Process exit codes of every `aegrid` command; scripts and the README rely on them.</summary>
internal static class ExitCodes
{
    public const int Success = 0;
    /// <summary>Something outside the user's input failed: network, mirror, disk, or a bug.</summary>
    public const int Failure = 1;
    /// <summary>The command line, a hyperparameter, a dataset name or a data file is wrong: fix the input and retry.</summary>
    public const int InvalidInput = 2;
    /// <summary>Training produced a NaN or infinite loss.</summary>
    public const int Diverged = 3;
    /// <summary>Ctrl+C (128 + SIGINT), the shell convention.</summary>
    public const int Cancelled = 130;
}
