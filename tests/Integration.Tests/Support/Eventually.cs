namespace AeGrid.Integration.Tests.Support;

/// <summary>Polling for a condition that becomes true in the background (a trial ends, a sweep finishes).</summary>
public static class Eventually
{
    public static async Task HoldsAsync(Func<Task<bool>> condition, TimeSpan timeout, Func<string> describe)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"not within {timeout.TotalSeconds:0} s: {describe()}");
            await Task.Delay(100);
        }
    }
}
