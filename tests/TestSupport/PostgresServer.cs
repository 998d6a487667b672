using System.Diagnostics;
using System.Text.RegularExpressions;
using Npgsql;
using Xunit;

namespace AeGrid.TestSupport;

/// <summary>
/// A real, throwaway PostgreSQL server for one test run: initdb into a temp folder, pg_ctl start on a free loopback port
/// (trust auth, unix socket inside the folder), a database per test class on demand, and stop/start/restart for
/// outage tests. Disposing stops it and deletes the folder; folders left by a killed run are cleaned at the next start.
/// </summary>
/// <remarks>
/// Use it as an xunit collection fixture (<c>[Collection(PostgresServer.CollectionName)]</c> with a
/// <c>[CollectionDefinition(PostgresServer.CollectionName)] class … : ICollectionFixture&lt;PostgresServer&gt;</c> in the
/// test assembly): one server serves the assembly, and the classes sharing it run one at a time, so a test that restarts
/// the server cannot break another's connections. initdb refuses to run as root, so as root every server command runs
/// as the <c>postgres</c> OS user (runuser).
/// </remarks>
public sealed partial class PostgresServer : IAsyncLifetime, IAsyncDisposable
{
    public const string CollectionName = "PostgreSQL server";

    private const string FolderPrefix = "aegrid-pg-";
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(90);

    private readonly string _binDirectory;
    private readonly bool _asPostgresUser;
    private string _root = "";
    private bool _disposed;

    public PostgresServer()
    {
        _binDirectory = FindBinDirectory();
        _asPostgresUser = Environment.UserName == "root";
    }

    public string Host => "127.0.0.1";
    public int Port { get; private set; }
    public string DataDirectory => Path.Combine(_root, "data");
    public string SocketDirectory => Path.Combine(_root, "socket");
    public string LogFile => Path.Combine(_root, "server.log");

    /// <summary>A connection string for <paramref name="database"/> as the superuser <c>postgres</c> (trust: no password).</summary>
    public string ConnectionString(string database) =>
        new NpgsqlConnectionStringBuilder
        {
            Host = Host, Port = Port, Username = "postgres", Database = database, IncludeErrorDetail = true, Timeout = 10,
        }.ConnectionString;

    public async Task InitializeAsync()
    {
        CleanLeftovers();
        _root = Path.Combine(Path.GetTempPath(), $"{FolderPrefix}{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..8]}");
        Directory.CreateDirectory(SocketDirectory);
        await File.WriteAllTextAsync(Path.Combine(_root, "owner"), OwnerStamp(Process.GetCurrentProcess()));
        if (_asPostgresUser) await RunAsync("chown", ["-R", "postgres:", _root]);

        await RunServerToolAsync("initdb", ["-D", DataDirectory, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"]);
        AppDomain.CurrentDomain.ProcessExit += OnProcessExit;

        for (var tries = 1; ; tries++)
        {
            Port = LoopbackPorts.Free();
            try
            {
                await StartAsync();
                return;
            }
            catch (InvalidOperationException) when (tries < 3)
            {
                // Another process took the port between our probe and the server's bind: pick another.
            }
        }
    }

    /// <summary>Creates (or re-creates, empty) a database and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string name)
    {
        var database = DatabaseName().Replace(name.ToLowerInvariant(), "_");
        if (database.Length is 0 or > 63) throw new ArgumentException($"'{name}' does not make a PostgreSQL database name", nameof(name));
        await using var connection = new NpgsqlConnection(ConnectionString("postgres") + ";Pooling=false");
        await connection.OpenAsync();
        await using (var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)", connection))
            await drop.ExecuteNonQueryAsync();
        await using (var create = new NpgsqlCommand($"CREATE DATABASE \"{database}\"", connection))
            await create.ExecuteNonQueryAsync();
        return ConnectionString(database);
    }

    /// <summary>
    /// Creates (or resets) the login role <paramref name="role"/> with <paramref name="password"/>, makes it the owner of
    /// <paramref name="database"/>, and has the server demand that password (scram-sha-256) for the role over TCP; every
    /// other role keeps trust authentication. Returns once the server enforces it.
    /// </summary>
    public async Task CreatePasswordRoleAsync(string role, string password, string database)
    {
        if (DatabaseName().IsMatch(role) || DatabaseName().IsMatch(database)) throw new ArgumentException("role and database: [a-z0-9_] only");
        await using (var connection = new NpgsqlConnection(ConnectionString("postgres") + ";Pooling=false"))
        {
            await connection.OpenAsync();
            var literal = "'" + password.Replace("'", "''") + "'";
            var sql = $"""
                DO $$ BEGIN
                  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{role}') THEN CREATE ROLE "{role}" LOGIN; END IF;
                END $$;
                SET password_encryption = 'scram-sha-256';
                ALTER ROLE "{role}" LOGIN PASSWORD {literal};
                ALTER DATABASE "{database}" OWNER TO "{role}";
                """;
            await using var command = new NpgsqlCommand(sql, connection);
            await command.ExecuteNonQueryAsync();
        }

        // First matching line wins: the role's line goes above the trust lines initdb wrote.
        var hba = Path.Combine(DataDirectory, "pg_hba.conf");
        var line = $"host all {role} 127.0.0.1/32 scram-sha-256";
        var lines = (await File.ReadAllLinesAsync(hba)).ToList();
        if (!lines.Contains(line))
        {
            lines.Insert(0, line);
            await File.WriteAllLinesAsync(hba, lines);
            await RunServerToolAsync("pg_ctl", ["-D", DataDirectory, "reload"]);
        }

        // A reload is a signal: wait until a connection without the password is refused.
        var withoutPassword = new NpgsqlConnectionStringBuilder(ConnectionString(database)) { Username = role, Pooling = false }.ConnectionString;
        for (var deadline = DateTime.UtcNow.AddSeconds(30); ; await Task.Delay(200))
        {
            try
            {
                await using var probe = new NpgsqlConnection(withoutPassword);
                await probe.OpenAsync();
            }
            catch (NpgsqlException)
            {
                return; // refused, as wanted (Npgsql reports a missing password before even asking the server)
            }
            if (DateTime.UtcNow > deadline) throw new InvalidOperationException($"the server still lets {role} in without a password");
        }
    }

    /// <summary>Starts the (stopped) server on the same port and data; returns when it accepts connections.</summary>
    public Task StartAsync() => RunServerToolAsync("pg_ctl",
    [
        "-D", DataDirectory, "-l", LogFile, "-w", "-t", "60", "start", "-o",
        $"-p {Port} -k {SocketDirectory} -c listen_addresses={Host} -c fsync=off -c synchronous_commit=off " +
        "-c full_page_writes=off -c max_connections=300 -c shared_buffers=64MB",
    ]);

    /// <summary>Stops the server: fast (clients disconnected, clean shutdown) or immediate (like a crash).</summary>
    public Task StopAsync(bool immediate = false) =>
        RunServerToolAsync("pg_ctl", ["-D", DataDirectory, "-w", "-t", "60", "-m", immediate ? "immediate" : "fast", "stop"]);

    /// <summary>Stops and starts the server on the same port; open connections break, as in a real restart.</summary>
    public async Task RestartAsync()
    {
        await StopAsync();
        await StartAsync();
    }

    public async Task DisposeAsync()
    {
        if (_disposed || _root.Length == 0) return;
        _disposed = true;
        AppDomain.CurrentDomain.ProcessExit -= OnProcessExit;
        NpgsqlConnection.ClearAllPools();
        try
        {
            await RunServerToolAsync("pg_ctl", ["-D", DataDirectory, "-w", "-m", "immediate", "stop"]);
        }
        catch (InvalidOperationException)
        {
            // Already stopped (a test stopped it and failed before starting it again).
        }
        Directory.Delete(_root, recursive: true);
    }

    async ValueTask IAsyncDisposable.DisposeAsync() => await DisposeAsync();

    private void OnProcessExit(object? sender, EventArgs e) => DisposeAsync().GetAwaiter().GetResult();

    /// <summary>Stops servers and deletes folders of earlier runs whose test process is gone (killed runs leave them).</summary>
    private void CleanLeftovers()
    {
        foreach (var folder in Directory.EnumerateDirectories(Path.GetTempPath(), FolderPrefix + "*"))
        {
            var ownerFile = Path.Combine(folder, "owner");
            if (File.Exists(ownerFile) && OwnerAlive(File.ReadAllText(ownerFile))) continue;
            if (!File.Exists(ownerFile) && Directory.GetCreationTimeUtc(folder) > DateTime.UtcNow.AddMinutes(-5)) continue; // being set up

            var data = Path.Combine(folder, "data");
            if (File.Exists(Path.Combine(data, "postmaster.pid")))
            {
                try
                {
                    RunServerToolAsync("pg_ctl", ["-D", data, "-w", "-m", "immediate", "stop"]).GetAwaiter().GetResult();
                }
                catch (InvalidOperationException)
                {
                    // Not running any more.
                }
            }
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
                // Someone else is cleaning it; not ours to fight over.
            }
        }
    }

    private static string OwnerStamp(Process process) => $"{process.Id} {process.StartTime.ToUniversalTime().Ticks}";

    private static bool OwnerAlive(string stamp)
    {
        var parts = stamp.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length != 2 || !int.TryParse(parts[0], out var pid) || !long.TryParse(parts[1], out var startTicks)) return false;
        try
        {
            using var process = Process.GetProcessById(pid);
            // Linux start times are derived from boot time and jiffies, and two processes can compute them a few
            // milliseconds apart: compare with a tolerance, or a live run's server is taken for a leftover and deleted.
            return !process.HasExited
                   && Math.Abs(process.StartTime.ToUniversalTime().Ticks - startTicks) < TimeSpan.TicksPerSecond;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            return false;
        }
    }

    private static string FindBinDirectory()
    {
        var installed = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql")
                .Select(d => (Dir: Path.Combine(d, "bin"), Version: int.TryParse(Path.GetFileName(d), out var v) ? v : 0))
                .Where(d => File.Exists(Path.Combine(d.Dir, "initdb")) && File.Exists(Path.Combine(d.Dir, "pg_ctl")))
                .OrderByDescending(d => d.Version)
                .Select(d => d.Dir)
                .FirstOrDefault()
            : null;
        if (installed is not null) return installed;

        try
        {
            using var pgConfig = Process.Start(new ProcessStartInfo("pg_config", "--bindir") { RedirectStandardOutput = true })!;
            var bin = pgConfig.StandardOutput.ReadToEnd().Trim();
            pgConfig.WaitForExit();
            if (File.Exists(Path.Combine(bin, "initdb"))) return bin;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // No pg_config on PATH.
        }
        throw new InvalidOperationException(
            "PostgreSQL server binaries (initdb, pg_ctl) not found in /usr/lib/postgresql/*/bin or `pg_config --bindir`: " +
            "install them with `apt-get install postgresql` to run the PostgreSQL tests");
    }

    private Task RunServerToolAsync(string tool, IReadOnlyList<string> arguments)
    {
        var path = Path.Combine(_binDirectory, tool);
        return _asPostgresUser ? RunAsync("runuser", ["-u", "postgres", "--", path, .. arguments]) : RunAsync(path, arguments);
    }

    private async Task RunAsync(string program, IReadOnlyList<string> arguments)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            // Keep the server's output away from ours: pg_ctl's child would otherwise hold our pipes open.
            RedirectStandardInput = true,
            WorkingDirectory = Path.GetTempPath(),
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {program}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(CommandTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} did not finish in {CommandTimeout.TotalSeconds} s");
        }
        if (process.ExitCode != 0)
        {
            var log = File.Exists(LogFile) ? string.Join('\n', File.ReadLines(LogFile).TakeLast(20)) : "(no server log)";
            throw new InvalidOperationException(
                $"{program} {string.Join(' ', arguments)} exited with {process.ExitCode}:\n{await stdout}{await stderr}\nserver log:\n{log}");
        }
    }

    [GeneratedRegex("[^a-z0-9_]")]
    private static partial Regex DatabaseName();
}
