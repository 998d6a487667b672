using AeGrid.Silo;
using Microsoft.Extensions.Configuration;

// The silo executable for deployments (Kubernetes): settings from AEGRID_* environment variables or --key value
// arguments, e.g. AEGRID_STORE=postgres://… AEGRID_SLOTS=2. `aegrid silo` does the same from the CLI.
var configuration = new ConfigurationBuilder()
    .AddEnvironmentVariables("AEGRID_")
    .AddCommandLine(args)
    .Build();
return await SiloRunner.RunAsync(SiloConfiguration.Bind(configuration));
