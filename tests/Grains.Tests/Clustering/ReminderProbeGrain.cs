using Orleans;
using Orleans.Runtime;

namespace AeGrid.Grains.Tests.Clustering;

/// <summary>A grain with one durable reminder, to see reminders go through PostgreSQL and come back as ticks.</summary>
public interface IReminderProbeGrain : IGrainWithStringKey
{
    Task StartAsync(TimeSpan period);
    Task<int> TicksAsync();
    Task StopAsync();
}

public sealed class ReminderProbeGrain : Grain, IReminderProbeGrain, IRemindable
{
    public const string ReminderName = "probe";
    private int _ticks;

    public async Task StartAsync(TimeSpan period) => await this.RegisterOrUpdateReminder(ReminderName, period, period);

    public Task<int> TicksAsync() => Task.FromResult(_ticks);

    public async Task StopAsync()
    {
        if (await this.GetReminder(ReminderName) is { } reminder) await this.UnregisterReminder(reminder);
    }

    Task IRemindable.ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName == ReminderName) _ticks++;
        return Task.CompletedTask;
    }
}
