using System.CommandLine;

namespace AeGrid.Client.Cli;

/// <summary>
/// A command that needs longer than the usual grace to stop after SIGTERM or Ctrl+C. Past that time System.CommandLine
/// ends the process with 130/143, cutting short whatever was still being stored (a silo's hand-off checkpoints).
/// </summary>
internal interface IStopsAfterSignal
{
    /// <summary>How long, from the signal, the command may take to stop cleanly.</summary>
    TimeSpan StopTimeout(ParseResult parseResult);
}
