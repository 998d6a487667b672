using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using AeGrid.Client.Cli;
using AeGrid.Client.Data;
using AeGrid.Client.Tests.Support;

namespace AeGrid.Client.Tests.Commands;

/// <summary>
/// `aegrid data fetch` against a real HTTP server on loopback serving the fixture files, with a sources table whose
/// sums are the fixtures' own (the published table's files are tens of megabytes).
/// </summary>
public sealed class DataFetchCommandTests : IDisposable
{
    private const string DatasetName = "fashion-300";
    private readonly TemporaryDirectory _temp = new();
    private readonly Dictionary<string, byte[]> _genuine = Fixtures.IdxFileNames.ToDictionary(
        name => name, name => File.ReadAllBytes(Path.Combine(Fixtures.FashionMnist300, name)));

    private string Target => _temp.Combine("data", DatasetName);

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task A_good_download_installs_all_four_files_byte_for_byte()
    {
        await using var server = Serve(_genuine, "/fashion/");

        var run = await Aegrid.RunAsync(SourcesMirroredBy(server, "/fashion/"), "data", "fetch", DatasetName, "--dir", Target);

        Assert.True(run.ExitCode == ExitCodes.Success, run.ToString());
        foreach (var (name, bytes) in _genuine)
        {
            Assert.Equal(bytes, await File.ReadAllBytesAsync(Path.Combine(Target, name)));
        }
        // Nothing else: no staging directory or temporary file left behind.
        var expectedEntries = new[] { "data", Path.Combine("data", DatasetName) }
            .Concat(Fixtures.IdxFileNames.Select(n => Path.Combine("data", DatasetName, n)))
            .Order(StringComparer.Ordinal);
        Assert.Equal(expectedEntries, _temp.Entries());
        Assert.Contains("is ready in", run.Stdout);
        Assert.Contains(Sha256Hex(_genuine["train-images-idx3-ubyte.gz"]), run.Stdout);
    }

    [Fact]
    public async Task A_corrupted_download_is_rejected_and_installs_nothing()
    {
        var tampered = new Dictionary<string, byte[]>(_genuine);
        var corrupted = (byte[])_genuine["t10k-images-idx3-ubyte.gz"].Clone();
        corrupted[corrupted.Length / 2] ^= 0xFF;
        tampered["t10k-images-idx3-ubyte.gz"] = corrupted;
        await using var server = Serve(tampered, "/fashion/");

        var run = await Aegrid.RunAsync(SourcesMirroredBy(server, "/fashion/"), "data", "fetch", DatasetName, "--dir", Target);

        Assert.True(run.ExitCode == ExitCodes.Failure, run.ToString());
        var error = run.LastStderrLine;
        Assert.StartsWith("error: checksum mismatch for t10k-images-idx3-ubyte.gz", error);
        Assert.Contains($"expected SHA-256 {Sha256Hex(_genuine["t10k-images-idx3-ubyte.gz"])}", error);
        Assert.Contains($"got {Sha256Hex(corrupted)}", error);
        Assert.False(Directory.Exists(Target), "the target directory must not be created");
        Assert.Equal(["data"], _temp.Entries()); // the staging directory is gone too
    }

    [Fact]
    public async Task A_missing_file_gives_the_url_and_http_status_and_installs_nothing()
    {
        var incomplete = new Dictionary<string, byte[]>(_genuine);
        incomplete.Remove("t10k-labels-idx1-ubyte.gz");
        await using var server = Serve(incomplete, "/fashion/");

        var run = await Aegrid.RunAsync(SourcesMirroredBy(server, "/fashion/"), "data", "fetch", DatasetName, "--dir", Target);

        Assert.True(run.ExitCode == ExitCodes.Failure, run.ToString());
        Assert.Equal($"error: GET {server.Url("/fashion/t10k-labels-idx1-ubyte.gz")} failed: HTTP 404 Not Found",
            run.LastStderrLine);
        Assert.False(Directory.Exists(Target));
        Assert.Equal(["data"], _temp.Entries());
    }

    [Fact]
    public async Task An_unreachable_mirror_says_it_cannot_reach_the_url()
    {
        var closedPort = FindClosedLoopbackPort();
        var mirror = $"http://127.0.0.1:{closedPort}/fashion/";
        await using var server = Serve(_genuine, "/fashion/");

        var run = await Aegrid.RunAsync(SourcesMirroredBy(server, "/fashion/"),
            "data", "fetch", DatasetName, "--dir", Target, "--mirror", mirror);

        Assert.True(run.ExitCode == ExitCodes.Failure, run.ToString());
        Assert.StartsWith($"error: cannot reach {mirror}train-images-idx3-ubyte.gz: ", run.LastStderrLine);
        Assert.False(Directory.Exists(Target));
    }

    [Fact]
    public async Task Mirror_option_replaces_the_default_mirror()
    {
        await using var server = Serve(_genuine, "/elsewhere/");

        // The table's mirror path (/fashion/) serves nothing; --mirror (without trailing slash) points at the files.
        var run = await Aegrid.RunAsync(SourcesMirroredBy(server, "/fashion/"),
            "data", "fetch", DatasetName, "--dir", Target, "--mirror", server.Url("/elsewhere").ToString());

        Assert.True(run.ExitCode == ExitCodes.Success, run.ToString());
        Assert.All(server.RequestedPaths, path => Assert.StartsWith("/elsewhere/", path));
        Assert.Equal(4, server.RequestedPaths.Count);
    }

    [Fact]
    public async Task Files_already_installed_and_intact_are_not_downloaded_again()
    {
        await using var server = Serve(_genuine, "/fashion/");
        var sources = SourcesMirroredBy(server, "/fashion/");
        Assert.Equal(ExitCodes.Success, (await Aegrid.RunAsync(sources, "data", "fetch", DatasetName, "--dir", Target)).ExitCode);

        var again = await Aegrid.RunAsync(sources, "data", "fetch", DatasetName, "--dir", Target);

        Assert.True(again.ExitCode == ExitCodes.Success, again.ToString());
        Assert.Equal(4, server.RequestedPaths.Count);
        Assert.Equal(4, again.Stdout.Split("already present, verified").Length - 1);
    }

    [Fact]
    public async Task A_damaged_installed_file_is_replaced_by_a_verified_download()
    {
        await using var server = Serve(_genuine, "/fashion/");
        Fixtures.CopyFashionMnist300To(Target);
        var damaged = Path.Combine(Target, "train-labels-idx1-ubyte.gz");
        await File.WriteAllBytesAsync(damaged, [1, 2, 3]);

        var run = await Aegrid.RunAsync(SourcesMirroredBy(server, "/fashion/"), "data", "fetch", DatasetName, "--dir", Target);

        Assert.True(run.ExitCode == ExitCodes.Success, run.ToString());
        Assert.Equal(_genuine["train-labels-idx1-ubyte.gz"], await File.ReadAllBytesAsync(damaged));
        Assert.Equal(["/fashion/train-labels-idx1-ubyte.gz"], server.RequestedPaths);
    }

    [Fact]
    public async Task An_unknown_dataset_is_a_usage_error_listing_the_known_ones()
    {
        var run = await Aegrid.RunAsync("data", "fetch", "cifar-10", "--dir", Target);

        Assert.Equal(ExitCodes.InvalidInput, run.ExitCode);
        Assert.Equal("error: unknown dataset 'cifar-10'; `data fetch` knows mnist, fashion-mnist", run.LastStderrLine);
    }

    [Theory]
    [InlineData("ftp://example.org/mnist/")]
    [InlineData("not a url")]
    public async Task A_mirror_that_is_not_an_http_url_is_a_usage_error(string mirror)
    {
        var run = await Aegrid.RunAsync("data", "fetch", "mnist", "--dir", Target, "--mirror", mirror);

        Assert.Equal(ExitCodes.InvalidInput, run.ExitCode);
        Assert.Equal($"error: --mirror: '{mirror}' is not an http:// or https:// URL", run.LastStderrLine);
        Assert.False(Directory.Exists(Target));
    }

    private static LoopbackFileServer Serve(IReadOnlyDictionary<string, byte[]> files, string directory) =>
        new(files.ToDictionary(f => directory + f.Key, f => f.Value));

    /// <summary>A table like the published one, for the fixture files, whose default mirror is the loopback server.</summary>
    private DatasetSources SourcesMirroredBy(LoopbackFileServer server, string directory) =>
        new([
            new DatasetSource(DatasetName, server.Url(directory),
                Fixtures.IdxFileNames.Select(n => new DatasetFile(n, _genuine[n].Length, Sha256Hex(_genuine[n]))).ToList()),
        ]);

    private static string Sha256Hex(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    private static int FindClosedLoopbackPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
