using System.Diagnostics;

namespace AeGrid.Deploy.Tests;

/// <summary>The repository and the real tools the deploy tests run: kubectl (kustomize) and the schema validator.</summary>
public static class Tools
{
    public static string RepoRoot { get; } = FindRepoRoot();
    public static string K8sDir => Path.Combine(RepoRoot, "deploy", "k8s");
    public static string ValidatorDir => Path.Combine(K8sDir, "validate");

    /// <summary>
    /// kubectl from scripts/setup.sh's project-local copy, else from PATH. Absent, the tests fail and say how to get it:
    /// skipping would let a broken overlay pass on a machine that merely lacks the tool.
    /// </summary>
    public static string Kubectl { get; } = FindKubectl();

    static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "AeGrid.sln")) && Directory.Exists(Path.Combine(dir.FullName, "deploy", "k8s")))
                return dir.FullName;
        throw new DirectoryNotFoundException("AeGrid.sln with deploy/k8s not found above the test folder");
    }

    static string FindKubectl()
    {
        var local = Path.Combine(ValidatorDir, "bin", "kubectl");
        if (File.Exists(local)) return local;
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
            if (File.Exists(Path.Combine(dir, "kubectl"))) return Path.Combine(dir, "kubectl");
        return "";
    }

    public static string RequireKubectl() => Kubectl.Length > 0 ? Kubectl
        : throw new InvalidOperationException("kubectl not found: run scripts/setup.sh (it puts kubectl 1.32 in deploy/k8s/validate/bin)");

    public static string RequireValidator()
    {
        var script = Path.Combine(ValidatorDir, "validate.mjs");
        if (!Directory.Exists(Path.Combine(ValidatorDir, "node_modules", "kubernetes-models")))
            throw new InvalidOperationException($"the schema validator is not installed: run scripts/setup.sh (npm ci --prefix {ValidatorDir})");
        return script;
    }

    public sealed record Result(int ExitCode, string Stdout, string Stderr);

    /// <summary>Runs a program to its end (bounded: a hung tool fails the test instead of hanging the run).</summary>
    public static Result Run(string fileName, IEnumerable<string> arguments, IDictionary<string, string>? environment = null,
        string? workingDirectory = null)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? RepoRoot,
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        if (environment is not null)
            foreach (var (key, value) in environment) start.Environment[key] = value;
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {fileName}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(3)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{fileName} {string.Join(' ', start.ArgumentList)} ran over 3 minutes");
        }
        return new Result(process.ExitCode, stdout.Result, stderr.Result);
    }
}
