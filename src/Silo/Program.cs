using AeGrid.Silo;
using Microsoft.Extensions.Configuration;

// The silo executable for deployments (Kubernetes): settings from AEGRID_* environment variables or --key value
// arguments, e.g. AEGRID_STORE=postgres://… AEGRID_SLOTS=2. `aegrid silo` does the same from the CLI.
var configuration = new ConfigurationBuilder()
    .AddEnvironmentVariables("AEGRID_")
    .AddCommandLine(args)
    .Build();
return await SiloRunner.RunAsync(SiloConfiguration.Bind(configuration));

/// <summary>Internal: ASP.NET Core's generator would otherwise make the top-level Program public, and a public global
/// Program hides the CLI's AeGrid.Client.Program from every project that references both.</summary>
internal partial class Program;
