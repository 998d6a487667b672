using AeGrid.Abstractions;
using Orleans.Runtime;

namespace AeGrid.Client.Cli;

/// <summary>The grid's refusals and outages, as one line and an exit code (they often arrive wrapped).</summary>
internal static class GridErrors
{
    public static (string Message, int ExitCode)? Describe(Exception e)
    {
        for (var x = e; x is not null; x = x.InnerException)
        {
            if (x is AeGridRequestException request) return (request.Message, ExitCodes.InvalidInput);
        }
        return e switch
        {
            TimeoutException => ($"the grid did not answer in time: {e.Message}", ExitCodes.Failure),
            SiloUnavailableException => ($"the cluster has no silo to answer: {e.Message}", ExitCodes.Failure),
            OrleansException => ($"grid error: {e.Message}", ExitCodes.Failure),
            _ => null,
        };
    }
}
