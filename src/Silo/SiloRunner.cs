using AeGrid.Grains.Store;
using Microsoft.Extensions.Hosting;

namespace AeGrid.Silo;

/// <summary>Runs a silo until SIGTERM/SIGINT, then stops gracefully (trials checkpoint and hand off within the grace).</summary>
public static class SiloRunner
{
    /// <summary>Returns the process exit code: 0 after a clean stop, 1 when the silo could not start (the reason on one line).</summary>
    public static async Task<int> RunAsync(SiloSettings settings, CancellationToken ct = default)
    {
        IHost? host = null;
        try
        {
            host = await SiloHostFactory.BuildAsync(settings, ct: ct);
            await host.StartAsync(ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Stopped while starting (a scale-down right after a scale-up): a clean stop, not a crash.
            Console.Error.WriteLine("aegrid silo: stopped before it finished starting");
            host?.Dispose();
            return 0;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Console.Error.WriteLine($"aegrid silo: cannot start: {StartupErrors.Describe(e)}");
            host?.Dispose();
            return 1;
        }
        Console.Error.WriteLine($"aegrid silo: running ({settings.Training.EffectiveSlots} {settings.Training.DeviceKind} slot(s), " +
                                $"silo port {settings.SiloPort}, gateway port {settings.GatewayPort}); Ctrl+C or SIGTERM stops it gracefully");
        await host.WaitForShutdownAsync(ct);
        host.Dispose();
        return 0;
    }
}

/// <summary>One line a user can act on, from whatever start-up threw (the interesting part is often an inner exception).</summary>
public static class StartupErrors
{
    /// <summary>The one line, with any known store password blanked out (library messages may quote a connection string).</summary>
    public static string Describe(Exception e) => SecretText.Scrub(DescribeRaw(e)).ReplaceLineEndings(" ");

    const string PasswordSources = "the store's password comes from the URL, --store-password-file, PGPASSWORD or ~/.pgpass";

    static string DescribeRaw(Exception e)
    {
        var innermost = e;
        while (innermost.InnerException is not null && innermost is AggregateException or TypeInitializationException
                   or System.Reflection.TargetInvocationException)
            innermost = innermost.InnerException;
        return innermost switch
        {
            System.Net.Sockets.SocketException s => $"{s.Message} (is PostgreSQL running and reachable?)",
            // 28P01 wrong password, 28000 no pg_hba entry / no password given.
            Npgsql.PostgresException { SqlState: "28P01" or "28000" } p => $"{p.Message} ({PasswordSources})",
            Npgsql.NpgsqlException n when n.Message.Contains("password", StringComparison.OrdinalIgnoreCase) => $"{n.Message} ({PasswordSources})",
            _ when innermost.GetType().Name == "NpgsqlException" => $"{innermost.Message} (is PostgreSQL running and reachable?)",
            _ => innermost.Message,
        };
    }
}
