using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace AeGrid.Client.Tests.Support;

/// <summary>
/// A minimal HTTP/1.1 server on 127.0.0.1 (random free port) that answers GET with fixed bytes per path, or 404.
/// One request per connection (Connection: close) keeps it small; it records every path requested.
/// </summary>
internal sealed class LoopbackFileServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly IReadOnlyDictionary<string, byte[]> _files;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _acceptLoop;

    /// <param name="files">Absolute request paths ("/mnist/train-images-idx3-ubyte.gz") to their content.</param>
    public LoopbackFileServer(IReadOnlyDictionary<string, byte[]> files)
    {
        _files = files;
        _listener.Start();
        _acceptLoop = AcceptLoopAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public Uri Url(string path) => new($"http://127.0.0.1:{Port}{path}");

    public ConcurrentQueue<string> RequestedPaths { get; } = new();

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            var stream = client.GetStream();
            var requestLine = await ReadRequestHeadAsync(stream);
            var path = requestLine.Split(' ') is [_, var target, ..] ? target : "";
            RequestedPaths.Enqueue(path);

            var found = _files.TryGetValue(path, out var body);
            body ??= Encoding.ASCII.GetBytes("no such file");
            var head = $"HTTP/1.1 {(found ? "200 OK" : "404 Not Found")}\r\n" +
                       "Content-Type: application/octet-stream\r\n" +
                       $"Content-Length: {body.Length}\r\n" +
                       "Connection: close\r\n\r\n";
            await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
            await stream.WriteAsync(body);
        }
    }

    /// <summary>Reads up to the blank line that ends the request head; returns its first line.</summary>
    private static async Task<string> ReadRequestHeadAsync(NetworkStream stream)
    {
        var head = new StringBuilder();
        var buffer = new byte[1];
        while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal)
               && await stream.ReadAsync(buffer) == 1)
        {
            head.Append((char)buffer[0]);
        }
        return head.ToString().Split("\r\n")[0];
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _acceptLoop;
        _stop.Dispose();
    }
}
