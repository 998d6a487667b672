using AeGrid.Grains.Store;
using Microsoft.Extensions.DependencyInjection;

namespace AeGrid.TestSupport;

/// <summary>Wraps the <see cref="ITrialStore"/> a silo registered (whichever backend) in a decorator, for the whole silo.</summary>
public static class TrialStoreDecoration
{
    /// <summary>
    /// Replaces the last <see cref="ITrialStore"/> registration with one that builds the original and passes it to
    /// <paramref name="decorate"/>. Call it after the silo's own registrations (SiloHostFactory's configureServices hook).
    /// </summary>
    public static IServiceCollection DecorateTrialStore(this IServiceCollection services, Func<ITrialStore, ITrialStore> decorate)
    {
        var original = services.LastOrDefault(d => d.ServiceType == typeof(ITrialStore))
            ?? throw new InvalidOperationException("no ITrialStore is registered yet: decorate it after the silo registered its store");
        services.Remove(original);
        services.AddSingleton(sp => decorate(Build(original, sp)));
        return services;
    }

    private static ITrialStore Build(ServiceDescriptor original, IServiceProvider services) => (ITrialStore)(
        original.ImplementationInstance
        ?? original.ImplementationFactory?.Invoke(services)
        ?? ActivatorUtilities.CreateInstance(services, original.ImplementationType!));
}
