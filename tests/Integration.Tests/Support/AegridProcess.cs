using System.Diagnostics;
using System.Text;

namespace AeGrid.Integration.Tests.Support;

/// <summary>
/// Runs the real `aegrid` CLI (the aegrid.dll built next to the tests) as a separate process, capturing its output.
/// Silos started this way are real processes: the tests kill them with SIGKILL or stop them with SIGTERM.
/// </summary>
public sealed class AegridProcess : IAsyncDisposable
{
    readonly Process _process;
    readonly StringBuilder _stdout = new();
    readonly StringBuilder _stderr = new();
    readonly TaskCompletionSource _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string Name { get; }
    public int Id => _process.Id;
    public IReadOnlyList<string> Arguments { get; }

    AegridProcess(string name, Process process, IReadOnlyList<string> arguments)
    {
        Name = name;
        _process = process;
        Arguments = arguments;
    }

    /// <summary>The value given to <paramref name="option"/> on the command line, if any.</summary>
    public string? ArgumentOf(string option)
    {
        int at = Arguments.ToList().IndexOf(option);
        return at >= 0 && at + 1 < Arguments.Count ? Arguments[at + 1] : null;
    }

    public const string InsecureVariable = "AEGRID_INSECURE";

    /// <summary>An environment that leaves out the tests' default AEGRID_INSECURE=1.</summary>
    public static Dictionary<string, string> WithoutInsecure() => new() { [InsecureVariable] = "" };

    public static string CliPath => Path.Combine(AppContext.BaseDirectory, "aegrid.dll");

    public static AegridProcess Start(string name, IReadOnlyList<string> args, IDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // Cluster silos and clients refuse plain text unless told; the tests' clusters live on loopback, so they say so.
        // TLS options on the command line override it; a test that must run without it passes AEGRID_INSECURE = ""
        // (an empty variable counts as unset).
        info.Environment[InsecureVariable] = "1";
        // Many silos share this machine: none serves health probes (8080 by default) unless a test asks with --health-port.
        info.Environment["AEGRID_HEALTH_PORT"] = "0";
        info.ArgumentList.Add(CliPath);
        foreach (var a in args) info.ArgumentList.Add(a);
        // A cluster silo reads only under its data roots; the sweeps tests submit name the fixture data by path.
        if (args.Count > 0 && args[0] == "silo" && !args.Contains("--data-root"))
            foreach (var a in new[] { "--data-root", RepoPaths.Fixtures }) info.ArgumentList.Add(a);
        if (environment is not null)
            foreach (var (k, v) in environment) info.Environment[k] = v;
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var wrapper = new AegridProcess(name, process, args.ToList());
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (wrapper._stdout) wrapper._stdout.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (wrapper._stderr) wrapper._stderr.AppendLine(e.Data); };
        process.Exited += (_, _) => wrapper._exited.TrySetResult();
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return wrapper;
    }

    /// <summary>Runs a CLI command to completion and returns (exit code, stdout, stderr).</summary>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(IReadOnlyList<string> args, TimeSpan timeout,
        IDictionary<string, string>? environment = null)
    {
        await using var p = Start("cli", args, environment);
        await p.WaitForExitAsync(timeout);
        return (p.ExitCode, p.Stdout, p.Stderr);
    }

    public string Stdout { get { lock (_stdout) return _stdout.ToString(); } }
    public string Stderr { get { lock (_stderr) return _stderr.ToString(); } }
    public bool HasExited => _process.HasExited;
    public int ExitCode => _process.ExitCode;

    public async Task WaitForExitAsync(TimeSpan timeout)
    {
        if (await Task.WhenAny(_exited.Task, Task.Delay(timeout)) != _exited.Task)
        {
            Kill();
            throw new TimeoutException($"{Name} did not exit within {timeout.TotalSeconds:0} s.\nstdout:\n{Stdout}\nstderr:\n{Stderr}");
        }
        await _process.WaitForExitAsync(); // drains the output readers
    }

    /// <summary>Waits until the process printed <paramref name="text"/> on stderr or stdout.</summary>
    public async Task WaitForOutputAsync(string text, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!Stderr.Contains(text) && !Stdout.Contains(text))
        {
            if (HasExited) throw new InvalidOperationException($"{Name} exited ({ExitCode}) before printing '{text}'.\n{Stderr}");
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{Name} did not print '{text}' within {timeout.TotalSeconds:0} s.\n{Stderr}");
            await Task.Delay(200);
        }
    }

    /// <summary>Whether <paramref name="siloAddress"/> (Orleans' "ip:port@generation") is this `aegrid silo` process.</summary>
    public bool IsSilo(string siloAddress) =>
        ArgumentOf("--silo-port") is { } port && siloAddress.StartsWith($"127.0.0.1:{port}@", StringComparison.Ordinal);

    public void Kill() { if (!_process.HasExited) _process.Kill(entireProcessTree: true); }
    /// <summary>SIGKILL: no shutdown code runs, as when a node is lost.</summary>
    public void KillHard() => Signal("KILL");
    /// <summary>SIGTERM: a graceful stop, as Kubernetes does on scale-down.</summary>
    public void Terminate() => Signal("TERM");
    /// <summary>SIGSTOP: the process hangs (a stuck node, a long GC pause) but keeps its sockets: it stays a member.</summary>
    public void Freeze() => Signal("STOP");
    /// <summary>SIGCONT after <see cref="Freeze"/>.</summary>
    public void Thaw() => Signal("CONT");

    void Signal(string signal)
    {
        if (_process.HasExited) return;
        using var kill = Process.Start("kill", $"-{signal} {_process.Id}");
        kill.WaitForExit();
    }

    public async ValueTask DisposeAsync()
    {
        Kill();
        try { await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10)); } catch (TimeoutException) { }
        _process.Dispose();
    }
}
