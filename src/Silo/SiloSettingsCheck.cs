using AeGrid.Grains.Store;
using AeGrid.Silo.Security;

namespace AeGrid.Silo;

/// <summary>
/// The settings an operator must fix before a silo can start, checked before anything starts: the store location, its
/// password file, and for a cluster silo TLS (certificates that load) or an explicit --insecure. Callers print the
/// problem as one line and exit 2, like every other bad input; <see cref="SiloHostFactory"/> refuses the same settings.
/// </summary>
public static class SiloSettingsCheck
{
    /// <summary>The same for the silo executable's configuration, whose binding can fail too (a port that is no number).</summary>
    public static string? Problem(Microsoft.Extensions.Configuration.IConfiguration configuration)
    {
        try
        {
            return Problem(SiloConfiguration.Bind(configuration));
        }
        catch (FormatException e)
        {
            return SecretText.Scrub(e.Message);
        }
    }

    /// <summary>What is wrong, in one line naming the option and file (passwords scrubbed), or null.</summary>
    public static string? Problem(SiloSettings settings)
    {
        try
        {
            StorePasswordFile.Apply(StoreLocation.Parse(settings.Store), settings.StorePasswordFile);
            if (!settings.Local) (settings.Transport ?? throw new ClusterSecurityException(ClusterTlsSettings.MissingMessage)).Resolve();
            return null;
        }
        catch (Exception e) when (e is ClusterSecurityException or FormatException)
        {
            return SecretText.Scrub(e.Message);
        }
    }
}
