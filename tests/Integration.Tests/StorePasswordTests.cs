using AeGrid.Integration.Tests.Support;
using AeGrid.TestSupport;
using Xunit.Abstractions;

namespace AeGrid.Integration.Tests;

/// <summary>
/// Store passwords against a real PostgreSQL that demands one (scram-sha-256): given by file (a mounted Secret), by
/// PGPASSWORD or by a pgpass file, never on the command line; and never printed, not even when it is wrong or the
/// database is unreachable.
/// </summary>
[Collection(PostgresServer.CollectionName)]
public sealed class StorePasswordTests(PostgresServer server, ITestOutputHelper output)
{
    const string Role = "aegrid_pw";
    const string Database = "grid_password";
    static readonly TimeSpan CliTimeout = TimeSpan.FromSeconds(120);
    readonly string _password = $"Pw-{Guid.NewGuid():N}"[..20];

    string Url => $"postgres://{Role}@127.0.0.1:{server.Port}/{Database}";

    async Task PrepareAsync()
    {
        await server.CreateDatabaseAsync(Database);
        await server.CreatePasswordRoleAsync(Role, _password, Database);
    }

    [Fact]
    public async Task A_silo_and_clients_reach_a_password_protected_store_by_file_PGPASSWORD_or_pgpass_and_never_print_it()
    {
        await PrepareAsync();
        using var folder = new TemporaryFolder();
        var passwordFile = Path.Combine(folder.Path, "password");
        await File.WriteAllTextAsync(passwordFile, _password + "\n"); // as `echo` or a Secret editor leaves it

        await using var silo = AegridProcess.Start("silo",
        [
            "silo", "--store", Url, "--store-password-file", passwordFile, "--slots", "1", "--threads", "1",
            "--silo-port", LoopbackPorts.Free().ToString(), "--gateway-port", LoopbackPorts.Free().ToString(),
        ]);
        try
        {
            await silo.WaitForOutputAsync("aegrid silo: running", TimeSpan.FromSeconds(180));

            var byFile = await AegridProcess.RunAsync(["sweep", "list", "--cluster", Url, "--store-password-file", passwordFile], CliTimeout);
            Assert.True(byFile.ExitCode == 0, byFile.Stderr);
            Assert.Contains("no sweeps yet", byFile.Stdout);

            var byVariable = await AegridProcess.RunAsync(["sweep", "list", "--cluster", Url], CliTimeout,
                new Dictionary<string, string> { ["AEGRID_STORE_PASSWORD_FILE"] = passwordFile });
            Assert.True(byVariable.ExitCode == 0, byVariable.Stderr);

            var byPgPassword = await AegridProcess.RunAsync(["sweep", "list", "--cluster", Url], CliTimeout,
                new Dictionary<string, string> { ["PGPASSWORD"] = _password });
            Assert.True(byPgPassword.ExitCode == 0, byPgPassword.Stderr);

            var pgpass = Path.Combine(folder.Path, "pgpass");
            await File.WriteAllTextAsync(pgpass, $"127.0.0.1:{server.Port}:{Database}:{Role}:{_password}\n");
            File.SetUnixFileMode(pgpass, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            var byPgPass = await AegridProcess.RunAsync(["sweep", "list", "--cluster", Url], CliTimeout,
                new Dictionary<string, string> { ["PGPASSFILE"] = pgpass });
            Assert.True(byPgPass.ExitCode == 0, byPgPass.Stderr);

            // Without any of them the server says no, and the line says where a password comes from.
            var none = await AegridProcess.RunAsync(["sweep", "list", "--cluster", Url], CliTimeout);
            output.WriteLine(none.Stderr);
            Assert.NotEqual(0, none.ExitCode);
            Assert.Contains("password", Assert.Single(Lines(none.Stderr)));
        }
        finally
        {
            silo.Terminate();
            try { await silo.WaitForExitAsync(TimeSpan.FromSeconds(40)); } catch (TimeoutException) { }
        }
        Assert.DoesNotContain(_password, silo.Stdout + silo.Stderr);
    }

    [Fact]
    public async Task A_wrong_password_or_an_unreachable_database_is_one_line_without_the_password()
    {
        await PrepareAsync();
        using var folder = new TemporaryFolder();
        var wrong = $"Wrong-{Guid.NewGuid():N}"[..20];
        var wrongFile = Path.Combine(folder.Path, "wrong");
        await File.WriteAllTextAsync(wrongFile, wrong);
        var closed = LoopbackPorts.Free();

        var attempts = new (string What, string[] Args, string Expect)[]
        {
            ("silo, wrong password in the URL", ["silo", "--store", $"postgres://{Role}:{wrong}@127.0.0.1:{server.Port}/{Database}"], "password authentication failed"),
            ("silo, wrong password file", ["silo", "--store", Url, "--store-password-file", wrongFile], "password authentication failed"),
            ("client, wrong password in the URL", ["sweep", "list", "--cluster", $"postgres://{Role}:{wrong}@127.0.0.1:{server.Port}/{Database}"], "password authentication failed"),
            ("silo, unreachable, URL", ["silo", "--store", $"postgres://{Role}:{wrong}@127.0.0.1:{closed}/{Database}"], "reachable"),
            ("silo, unreachable, key=value", ["silo", "--store", $"Host=127.0.0.1;Port={closed};Username={Role};Password={wrong};Database=x"], "reachable"),
            ("client, unreachable, URL", ["sweep", "list", "--cluster", $"postgres://{Role}:{wrong}@127.0.0.1:{closed}/{Database}"], "reachable"),
            ("client, unreachable, PGPASSWORD", ["sweep", "list", "--cluster", $"postgres://{Role}@127.0.0.1:{closed}/{Database}"], "reachable"),
        };
        foreach (var (what, args, expect) in attempts)
        {
            var run = await AegridProcess.RunAsync(args, CliTimeout, new Dictionary<string, string> { ["PGPASSWORD"] = wrong });
            output.WriteLine($"{what}: exit {run.ExitCode}: {run.Stderr.Trim()}");
            Assert.NotEqual(0, run.ExitCode);
            var line = Assert.Single(Lines(run.Stderr));
            Assert.Contains(expect, line);
            Assert.DoesNotContain(wrong, run.Stderr + run.Stdout);
        }
    }

    static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
