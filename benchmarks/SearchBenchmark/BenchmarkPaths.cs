namespace AeGrid.SearchBenchmark;

/// <summary>Where the benchmark finds what it runs: the aegrid CLI built next to it, the Optuna script, Debian's Python.</summary>
public static class BenchmarkPaths
{
    public static string AegridDll
    {
        get
        {
            var path = Path.Combine(AppContext.BaseDirectory, "aegrid.dll");
            return File.Exists(path)
                ? path
                : throw new FileNotFoundException($"aegrid.dll is not next to the benchmark ({path}); build with `dotnet build benchmarks/SearchBenchmark -c Release`");
        }
    }

    /// <summary>The folder holding AeGrid.sln, found upwards from the build output.</summary>
    public static string RepositoryRoot
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "AeGrid.sln"))) return dir.FullName;
            throw new InvalidOperationException($"no AeGrid.sln above {AppContext.BaseDirectory}: run the benchmark from the repository");
        }
    }

    public static string OptunaScript => Path.Combine(RepositoryRoot, "benchmarks", "SearchBenchmark", "optuna_tpe.py");

    /// <summary>
    /// Debian's interpreter, which sees python3-optuna; a python3 earlier on PATH (pyenv, a venv) may not.
    /// $AEGRID_BENCH_PYTHON picks another one that has Optuna 3.1.
    /// </summary>
    public static string Python =>
        Environment.GetEnvironmentVariable("AEGRID_BENCH_PYTHON") is { Length: > 0 } chosen ? chosen
        : File.Exists("/usr/bin/python3") ? "/usr/bin/python3"
        : "python3";
}
