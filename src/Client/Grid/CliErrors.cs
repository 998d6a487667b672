using AeGrid.Abstractions;

namespace AeGrid.Client.Grid;

/// <summary>Runs a command body and turns the errors a user can act on into one line on stderr and an exit code.</summary>
public static class CliErrors
{
    public static async Task<int> RunAsync(Func<Task<int>> body)
    {
        try
        {
            return await body();
        }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine("aegrid: cancelled");
            return 130;
        }
        catch (Exception e) when (Describe(e) is { } line)
        {
            Console.Error.WriteLine($"aegrid: {line.Message}");
            return line.ExitCode;
        }
    }

    static (string Message, int ExitCode)? Describe(Exception e)
    {
        for (var x = e; x is not null; x = x.InnerException)
        {
            switch (x)
            {
                case CliException cli: return (cli.Message, cli.ExitCode);
                case AeGridRequestException request: return (request.Message, 2);
                case FileNotFoundException file: return (file.Message, 2);
            }
        }
        return e switch
        {
            TimeoutException => ($"the grid did not answer in time: {e.Message}", 1),
            Orleans.Runtime.SiloUnavailableException => ($"the cluster has no silo to answer: {e.Message}", 1),
            Orleans.Runtime.OrleansException => ($"grid error: {e.Message}", 1),
            _ => null,
        };
    }
}
