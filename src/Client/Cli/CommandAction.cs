using System.CommandLine;
using AeGrid.Client.Output;
using AeGrid.Models.Training;

namespace AeGrid.Client.Cli;

/// <summary>
/// Wraps a command body so every command reports failures the same way: one line on stderr and an exit code
/// from <see cref="ExitCodes"/>; a stack trace only for unexpected errors, and only when AEGRID_DEBUG is set.
/// </summary>
internal static class CommandAction
{
    public static Func<ParseResult, CancellationToken, Task<int>> Create(Func<CommandContext, Task<int>> body) =>
        async (parseResult, cancel) =>
        {
            var context = new CommandContext(parseResult, cancel);
            try
            {
                return await body(context);
            }
            catch (CliException e)
            {
                ErrorReport.Write(context.Error, e.Message);
                return e.ExitCode;
            }
            catch (Exception e) when (GridErrors.Describe(e) is { } grid)
            {
                ErrorReport.Write(context.Error, grid.Message);
                return grid.ExitCode;
            }
            catch (InvalidHyperparameterException e)
            {
                ErrorReport.Write(context.Error, $"invalid hyperparameter {e.Message}");
                return ExitCodes.InvalidInput;
            }
            catch (OperationCanceledException) when (cancel.IsCancellationRequested)
            {
                ErrorReport.Write(context.Error, "cancelled");
                return ExitCodes.Cancelled;
            }
            catch (Exception e)
            {
                ErrorReport.Unexpected(context.Error, e);
                return ExitCodes.Failure;
            }
        };
}
