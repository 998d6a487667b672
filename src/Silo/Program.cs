using AeGrid.Silo;
using Microsoft.Extensions.Configuration;

// The silo executable for deployments (Kubernetes): settings from AEGRID_* environment variables or --key value
// arguments, e.g. AEGRID_STORE=postgres://… AEGRID_SLOTS=2 AEGRID_TLS_CERT=/tls/tls.crt. `aegrid silo` does the same
// from the CLI.
var configuration = new ConfigurationBuilder()
    .AddEnvironmentVariables(AeGridEnvironment.Prefix)
    .AddCommandLine(args)
    .Build();
if (SiloSettingsCheck.Problem(configuration) is { } problem)
{
    // A setting to fix (store, TLS, password file): one line and exit 2, as `aegrid silo` does.
    Console.Error.WriteLine($"aegrid silo: {problem}");
    return 2;
}
return await SiloRunner.RunAsync(SiloConfiguration.Bind(configuration));

/// <summary>Internal: ASP.NET Core's generator would otherwise make the top-level Program public, and a public global
/// Program hides the CLI's AeGrid.Client.Program from every project that references both.</summary>
internal partial class Program;
