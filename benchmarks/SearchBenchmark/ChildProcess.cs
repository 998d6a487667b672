using System.Diagnostics;
using System.Text;

namespace AeGrid.SearchBenchmark;

/// <summary>
/// Runs one command to its end: stdout kept for the caller, stdout and stderr both logged to a file, the last stderr
/// lines kept for the report. A run past its timeout, or cancelled, is killed with its children.
/// </summary>
public static class ChildProcess
{
    public sealed record Result(int ExitCode, string Stdout, IReadOnlyList<string> StderrTail, bool TimedOut, TimeSpan Wall)
    {
        /// <summary>The line that says why it failed: the CLI's `error: …`, else its last words.</summary>
        public string ErrorLine =>
            StderrTail.LastOrDefault(l => l.StartsWith("error:", StringComparison.Ordinal) || l.Contains(": error:", StringComparison.Ordinal))
            ?? StderrTail.LastOrDefault(l => !string.IsNullOrWhiteSpace(l))
            ?? $"exit code {ExitCode}, nothing on stderr";
    }

    public static async Task<Result> RunAsync(string fileName, IEnumerable<string> args, string logPath, TimeSpan timeout,
        CancellationToken ct)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args) info.ArgumentList.Add(arg);
        // Plain lines in the logs: no colour codes, no live progress rendering.
        info.Environment["NO_COLOR"] = "1";
        info.Environment["TERM"] = "dumb";

        var stdout = new StringBuilder();
        var tail = new Queue<string>();
        await using var log = new StreamWriter(logPath, append: false) { AutoFlush = true };
        void Record(string? line, bool isStdout)
        {
            if (line is null) return;
            lock (tail)
            {
                log.WriteLine(line);
                if (isStdout) stdout.AppendLine(line);
                else
                {
                    tail.Enqueue(line);
                    if (tail.Count > 30) tail.Dequeue();
                }
            }
        }

        using var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => Record(e.Data, isStdout: true);
        process.ErrorDataReceived += (_, e) => Record(e.Data, isStdout: false);
        var clock = Stopwatch.StartNew();
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(timeout);
        var timedOut = false;
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
            ct.ThrowIfCancellationRequested();
            timedOut = true;
        }
        process.WaitForExit(); // drains the output readers
        lock (tail) return new Result(process.ExitCode, stdout.ToString(), tail.ToList(), timedOut, clock.Elapsed);
    }
}
