using System.Security.Cryptography;

namespace AeGrid.Client.Data;

/// <summary>Bytes of one file received so far; <see cref="TotalBytes"/> is null when neither server nor table says.</summary>
internal readonly record struct DownloadProgress(string FileName, long BytesReceived, long? TotalBytes);

/// <summary>A dataset file now in place, and whether this fetch downloaded it or found it already there and intact.</summary>
internal sealed record FetchedFile(string FileName, string Path, long Size, string Sha256, bool Downloaded);

/// <summary>A fetch failed for a reason outside the user's input: HTTP status, network, checksum, or a broken transfer.</summary>
internal sealed class DatasetFetchException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// Downloads a dataset's files and installs them only once every one of them matches its published SHA-256.
/// Files are staged in a hidden directory next to the target and renamed into place at the end, so the target
/// never holds a partial or corrupted file, whatever fails or whenever the process dies.
/// </summary>
internal sealed class DatasetFetcher(HttpClient http)
{
    /// <summary>A transfer that delivers no bytes for this long is abandoned.</summary>
    public static readonly TimeSpan StallTimeout = TimeSpan.FromSeconds(60);

    private const int BufferSize = 1 << 16;

    public async Task<IReadOnlyList<FetchedFile>> FetchAsync(DatasetSource source, Uri mirror, string targetDirectory,
        Action<DownloadProgress> progress, CancellationToken cancel)
    {
        var target = Path.TrimEndingDirectorySeparator(Path.GetFullPath(targetDirectory));
        var parent = Path.GetDirectoryName(target) ?? target;
        Directory.CreateDirectory(parent);
        // Next to the target, so the final moves are renames on one file system.
        var staging = Path.Combine(parent, $".{Path.GetFileName(target)}.fetch-{Guid.NewGuid():N}");
        Directory.CreateDirectory(staging);
        try
        {
            var fetched = new List<FetchedFile>();
            var toInstall = new List<(string Staged, string Destination)>();
            foreach (var file in source.Files)
            {
                var destination = Path.Combine(target, file.FileName);
                if (File.Exists(destination) && Matches(file, await Sha256OfFileAsync(destination, cancel)))
                {
                    var size = new FileInfo(destination).Length;
                    progress(new(file.FileName, size, size));
                    fetched.Add(new(file.FileName, destination, size, file.Sha256, Downloaded: false));
                    continue;
                }

                var url = new Uri(mirror, file.FileName);
                var staged = Path.Combine(staging, file.FileName);
                var (length, sha256) = await DownloadAsync(url, staged, file, progress, cancel);
                if (!Matches(file, sha256))
                {
                    throw new DatasetFetchException(
                        $"checksum mismatch for {file.FileName} from {url}: expected SHA-256 {file.Sha256}, got {sha256}; " +
                        "nothing was installed");
                }
                toInstall.Add((staged, destination));
                fetched.Add(new(file.FileName, destination, length, sha256, Downloaded: true));
            }

            // Every file verified: only now does anything land in the target directory.
            Directory.CreateDirectory(target);
            foreach (var (staged, destination) in toInstall)
            {
                File.Move(staged, destination, overwrite: true);
            }
            return fetched;
        }
        finally
        {
            DeleteStaging(staging);
        }
    }

    private async Task<(long Length, string Sha256)> DownloadAsync(Uri url, string path, DatasetFile file,
        Action<DownloadProgress> progress, CancellationToken cancel)
    {
        using var response = await GetAsync(url, cancel);
        if (!response.IsSuccessStatusCode)
        {
            throw new DatasetFetchException($"GET {url} failed: HTTP {(int)response.StatusCode} {response.ReasonPhrase}");
        }

        var total = response.Content.Headers.ContentLength ?? file.Size;
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long received = 0;
        progress(new(file.FileName, 0, total));
        try
        {
            await using var body = await response.Content.ReadAsStreamAsync(cancel);
            await using var output = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None,
                BufferSize, useAsync: true);
            var buffer = new byte[BufferSize];
            using var stall = CancellationTokenSource.CreateLinkedTokenSource(cancel);
            while (true)
            {
                stall.CancelAfter(StallTimeout);
                var read = await body.ReadAsync(buffer, stall.Token);
                if (read == 0)
                {
                    break;
                }
                hash.AppendData(buffer, 0, read);
                await output.WriteAsync(buffer.AsMemory(0, read), cancel);
                received += read;
                progress(new(file.FileName, received, total));
            }
        }
        catch (OperationCanceledException e) when (!cancel.IsCancellationRequested)
        {
            throw new DatasetFetchException($"GET {url}: no data for {StallTimeout.TotalSeconds:0} s after {received} bytes", e);
        }
        catch (Exception e) when (e is IOException or HttpRequestException)
        {
            throw new DatasetFetchException($"GET {url} broke off after {received} bytes: {e.Message}", e);
        }
        return (received, Convert.ToHexStringLower(hash.GetHashAndReset()));
    }

    private async Task<HttpResponseMessage> GetAsync(Uri url, CancellationToken cancel)
    {
        try
        {
            return await http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, cancel);
        }
        catch (HttpRequestException e)
        {
            // DNS failure, connection refused, network unreachable, TLS: the message says which.
            throw new DatasetFetchException($"cannot reach {url}: {e.Message}", e);
        }
        catch (TaskCanceledException e) when (!cancel.IsCancellationRequested)
        {
            throw new DatasetFetchException($"GET {url} timed out after {http.Timeout.TotalSeconds:0} s", e);
        }
    }

    /// <summary>Best effort: failing to tidy up must not hide why the fetch failed.</summary>
    private static void DeleteStaging(string staging)
    {
        try
        {
            Directory.Delete(staging, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private static bool Matches(DatasetFile file, string sha256) =>
        string.Equals(file.Sha256, sha256, StringComparison.OrdinalIgnoreCase);

    private static async Task<string> Sha256OfFileAsync(string path, CancellationToken cancel)
    {
        await using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancel));
    }
}
