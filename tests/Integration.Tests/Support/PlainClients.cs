using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;

namespace AeGrid.Integration.Tests.Support;

/// <summary>An Orleans client of an in-process test cluster: plain text on loopback, gateways read from membership.</summary>
public static class PlainClients
{
    public static async Task<IHost> StartAsync(string connectionString)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.UseOrleansClient(c =>
        {
            c.Configure<ClusterOptions>(o => { o.ClusterId = "aegrid"; o.ServiceId = "aegrid"; });
            c.UseAdoNetClustering(o => { o.Invariant = "Npgsql"; o.ConnectionString = connectionString; });
        });
        var client = builder.Build();
        await client.StartAsync();
        return client;
    }
}
