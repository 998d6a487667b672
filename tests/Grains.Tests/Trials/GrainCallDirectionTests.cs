using System.Reflection;
using AeGrid.Abstractions;
using AeGrid.Grains.Trials;
using Orleans.Concurrency;

namespace AeGrid.Grains.Tests.Trials;

/// <summary>
/// The sweep grain awaits its trials (Start, Stop, IsTraining), so a trial grain must never await its sweep: each such pair
/// of awaits can wait on each other until Orleans' call timeout (three commits once had to untangle 30 s stalls from it).
/// Read from the compiled trial grain itself, so a new call added later is checked too.
/// </summary>
public sealed class GrainCallDirectionTests
{
    [Fact]
    public void Every_sweep_grain_method_the_trial_grain_calls_is_one_way()
    {
        var called = SweepMethodsCalledBy(typeof(TrialGrain));

        Assert.Contains(called, m => m.Name == nameof(ISweepGrain.ReportEpoch)); // the scan does see the calls
        Assert.All(called, m => Assert.True(m.GetCustomAttribute<OneWayAttribute>() is not null,
            $"TrialGrain calls ISweepGrain.{m.Name}, which is not [OneWay]: the trial would await a sweep that awaits it"));
    }

    [Fact]
    public void The_sweeps_verdict_goes_back_to_the_trial_one_way_too() =>
        Assert.NotNull(typeof(ITrialGrain).GetMethod(nameof(ITrialGrain.ApplyVerdict))!.GetCustomAttribute<OneWayAttribute>());

    /// <summary>The <see cref="ISweepGrain"/> methods named by a call instruction anywhere in the type, its lambdas and
    /// its async state machines (nested types).</summary>
    static IReadOnlyList<MethodInfo> SweepMethodsCalledBy(Type type)
    {
        const BindingFlags all = BindingFlags.Instance | BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly;
        var types = new[] { type }.Concat(type.GetNestedTypes(all).SelectMany(Nested));
        var called = new HashSet<MethodInfo>();
        foreach (var method in types.SelectMany(t => t.GetMethods(all).Cast<MethodBase>().Concat(t.GetConstructors(all))))
        {
            if (method.GetMethodBody()?.GetILAsByteArray() is not { } il) continue;
            // call (0x28) and callvirt (0x6F) take a 4-byte method token; scanning every byte may hit a false opcode, so a
            // token that does not resolve to a method is skipped.
            for (int i = 0; i + 4 < il.Length; i++)
            {
                if (il[i] is not (0x28 or 0x6F)) continue;
                try
                {
                    if (method.Module.ResolveMethod(BitConverter.ToInt32(il, i + 1), method.DeclaringType?.GetGenericArguments(),
                            method.IsGenericMethod ? method.GetGenericArguments() : null) is MethodInfo target
                        && target.DeclaringType == typeof(ISweepGrain))
                        called.Add(target);
                }
                catch (ArgumentException) { }
                catch (BadImageFormatException) { }
            }
        }
        return [.. called];

        static IEnumerable<Type> Nested(Type t) => new[] { t }.Concat(t.GetNestedTypes(all).SelectMany(Nested));
    }
}
