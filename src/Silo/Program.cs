using AeGrid.Silo;
using Microsoft.Extensions.Configuration;

// The silo executable for deployments (Kubernetes): settings from AEGRID_* environment variables or --key value
// arguments, e.g. AEGRID_STORE=postgres://… AEGRID_SLOTS=2 AEGRID_TLS_CERT=/tls/tls.crt. `aegrid silo` does the same
// from the CLI.
var configuration = new ConfigurationBuilder()
    .AddEnvironmentVariables(AeGridEnvironment.Prefix)
    .AddCommandLine(args)
    .Build();
SiloSettings settings;
try
{
    settings = SiloConfiguration.Bind(configuration);
}
catch (FormatException e)
{
    // A setting to fix: one line and exit 2, as `aegrid silo` does.
    Console.Error.WriteLine($"aegrid silo: {e.Message}");
    return 2;
}
if (SiloSettingsCheck.Problem(settings) is { } problem)
{
    Console.Error.WriteLine($"aegrid silo: {problem}");
    return 2;
}
return await SiloRunner.RunAsync(settings);
