using System.Diagnostics;
using System.Text;

namespace AeGrid.ScaleBenchmark;

/// <summary>
/// The real `aegrid` CLI (the aegrid.dll built next to this benchmark) run as child processes: silos that keep running,
/// and one-shot commands such as `sweep submit`.
/// </summary>
public sealed class AegridCli : IAsyncDisposable
{
    readonly Process _process;
    readonly StreamWriter _log;
    readonly TaskCompletionSource _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    readonly StringBuilder _stdout = new();
    readonly Queue<string> _lastLines = new();

    public string Name { get; }
    public string LogPath { get; }

    AegridCli(string name, Process process, string logPath)
    {
        Name = name;
        _process = process;
        LogPath = logPath;
        _log = new StreamWriter(logPath, append: false) { AutoFlush = true };
    }

    public static string DllPath
    {
        get
        {
            var path = Path.Combine(AppContext.BaseDirectory, "aegrid.dll");
            return File.Exists(path)
                ? path
                : throw new FileNotFoundException($"aegrid.dll is not next to the benchmark ({path}); build with `dotnet build benchmarks/ScaleBenchmark`");
        }
    }

    /// <summary>Starts `dotnet aegrid.dll ARGS`; its stdout and stderr go to <paramref name="logPath"/>.</summary>
    public static AegridCli Start(string name, IEnumerable<string> args, string logPath)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(DllPath);
        foreach (var arg in args) info.ArgumentList.Add(arg);
        // Plain lines in the logs: no colour codes, no live progress rendering.
        info.Environment["NO_COLOR"] = "1";
        info.Environment["TERM"] = "dumb";
        // The benchmark's cluster lives on loopback: plain text, said explicitly (cluster processes refuse it otherwise).
        info.Environment["AEGRID_INSECURE"] = "1";

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var cli = new AegridCli(name, process, logPath);
        process.OutputDataReceived += (_, e) => cli.Record(e.Data, stdout: true);
        process.ErrorDataReceived += (_, e) => cli.Record(e.Data, stdout: false);
        process.Exited += (_, _) => cli._exited.TrySetResult();
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return cli;
    }

    /// <summary>Runs a CLI command to completion; throws with its output when it fails or outlasts <paramref name="timeout"/>.</summary>
    public static async Task<string> RunAsync(string name, IEnumerable<string> args, string logPath, TimeSpan timeout)
    {
        await using var cli = Start(name, args, logPath);
        if (await Task.WhenAny(cli._exited.Task, Task.Delay(timeout)) != cli._exited.Task)
            throw new TimeoutException($"`aegrid {name}` did not finish within {timeout.TotalSeconds:0} s; see {logPath}:\n{cli.Tail}");
        await cli._process.WaitForExitAsync(); // drains the output readers
        if (cli._process.ExitCode != 0)
            throw new InvalidOperationException($"`aegrid {name}` exited with {cli._process.ExitCode}; see {logPath}:\n{cli.Tail}");
        lock (cli._stdout) return cli._stdout.ToString();
    }

    void Record(string? line, bool stdout)
    {
        if (line is null) return;
        lock (_lastLines)
        {
            _log.WriteLine(line);
            _lastLines.Enqueue(line);
            if (_lastLines.Count > 20) _lastLines.Dequeue();
        }
        if (stdout) lock (_stdout) _stdout.AppendLine(line);
    }

    public bool HasExited => _process.HasExited;
    public int Id => _process.Id;

    /// <summary>The last lines it printed: what to show when it fails.</summary>
    public string Tail
    {
        get { lock (_lastLines) return string.Join('\n', _lastLines); }
    }

    /// <summary>SIGTERM (a graceful stop, as Kubernetes does), then SIGKILL if it is still running after <paramref name="grace"/>.</summary>
    public async Task StopAsync(TimeSpan grace)
    {
        if (_process.HasExited) return;
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString()]))
            await kill.WaitForExitAsync();
        if (await Task.WhenAny(_exited.Task, Task.Delay(grace)) != _exited.Task && !_process.HasExited)
            _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        _process.Dispose();
        lock (_lastLines) _log.Dispose();
    }
}
