using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace AeGrid.Client.Grid;

/// <summary>
/// Watches a starting client's connection attempts through Orleans' own log events. Orleans keeps retrying a gateway
/// that closes every connection during the handshake (a TLS cluster refusing a plain-text client or a foreign
/// certificate, or a plain cluster given a TLS client) until the start-up times out, which says nothing. After a few
/// such closures in a row this gives up at once, so the CLI can say what went wrong. A gateway that is simply down
/// (connection refused) is not counted: another gateway may still answer.
/// </summary>
internal sealed class HandshakeWatch : ILoggerProvider, ILogger
{
    const int Limit = 3;
    readonly CancellationTokenSource _giveUp = new();
    int _closures;

    /// <summary>Cancelled once gateways closed <see cref="Limit"/> connections during the handshake.</summary>
    public CancellationToken GiveUp => _giveUp.Token;
    public bool GaveUp => _giveUp.IsCancellationRequested;

    public ILogger CreateLogger(string categoryName) =>
        categoryName.StartsWith("Orleans.Runtime.Messaging.ConnectionManager", StringComparison.Ordinal)
        || categoryName.StartsWith("Orleans.Connections.Security", StringComparison.Ordinal)
            ? this
            : NullLogger.Instance;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (logLevel < LogLevel.Warning || exception is null || Refused(exception)) return;
        if (Interlocked.Increment(ref _closures) >= Limit)
        {
            try { _giveUp.Cancel(); } catch (ObjectDisposedException) { }
        }
    }

    static bool Refused(Exception e)
    {
        for (var x = e; x is not null; x = x.InnerException)
            if (x is SocketException) return true;
        return false;
    }

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;
    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
    public void Dispose() => _giveUp.Dispose();
}
