using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace AeGrid.Client.Tests.Support;

/// <summary>What a page showed in a real browser: each image (loaded, natural size, alt text) and every error or console message.</summary>
internal sealed record PageCheck(IReadOnlyList<PageImage> Images, IReadOnlyList<string> Errors);

internal sealed record PageImage(bool Complete, int NaturalWidth, int NaturalHeight, string Alt);

/// <summary>
/// Debian's `chromium` driven from its command line (headless, no GPU, no sandbox: tests may run as root). A page is
/// checked by loading a copy of it with a probe script at the top of its head: the probe records script errors, failed
/// resource loads and console.error calls, and on load writes every image's state into the DOM that --dump-dom prints.
/// Chromium's own log of console messages (stderr) is read as well. Missing chromium fails the test: scripts/setup.sh installs it.
/// </summary>
internal static partial class HeadlessChromium
{
    const string Probe = """
        <script>
        window.__aegridErrors = [];
        window.addEventListener('error', function (e) {
          window.__aegridErrors.push('error: ' + (e.message || (e.target && (e.target.src || e.target.href)) || 'a resource failed'));
        }, true);
        (function () { var original = console.error; console.error = function () {
          window.__aegridErrors.push('console.error: ' + Array.prototype.join.call(arguments, ' ')); original.apply(console, arguments); }; })();
        window.addEventListener('load', function () {
          var images = [];
          for (var i = 0; i < document.images.length; i++) { var im = document.images[i];
            images.push({ complete: im.complete, w: im.naturalWidth, h: im.naturalHeight, alt: im.alt }); }
          var pre = document.createElement('pre'); pre.id = 'aegrid-probe';
          pre.textContent = JSON.stringify({ images: images, errors: window.__aegridErrors });
          document.body.appendChild(pre);
        });
        </script>
        """;

    public static string Executable { get; } = Find();

    static string Find()
    {
        var candidates = new[] { Environment.GetEnvironmentVariable("AEGRID_CHROMIUM"), "chromium", "chromium-browser" };
        var path = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator);
        foreach (var candidate in candidates.OfType<string>())
        {
            if (Path.IsPathRooted(candidate) && File.Exists(candidate)) return candidate;
            if (path.Select(d => Path.Combine(d, candidate)).FirstOrDefault(File.Exists) is { } found) return found;
        }
        // Not a skip: a report nobody opened in a browser is not tested.
        throw new InvalidOperationException("chromium is not installed (looked for $AEGRID_CHROMIUM, chromium, chromium-browser on PATH); run scripts/setup.sh");
    }

    /// <summary>Loads <paramref name="htmlPath"/> (a copy with the probe, beside it so relative links resolve) and reports what it showed.</summary>
    public static async Task<PageCheck> CheckAsync(string htmlPath)
    {
        var html = await File.ReadAllTextAsync(htmlPath);
        var at = html.IndexOf("<head>", StringComparison.Ordinal);
        if (at < 0) throw new InvalidOperationException($"{htmlPath}: no <head> to put the probe in");
        var probed = Path.Combine(Path.GetDirectoryName(htmlPath)!, $".probe-{Guid.NewGuid():N}.html");
        await File.WriteAllTextAsync(probed, html.Insert(at + "<head>".Length, Probe));
        try
        {
            var (stdout, stderr) = await RunAsync("--enable-logging=stderr", "--v=0", "--virtual-time-budget=5000", "--dump-dom", new Uri(probed).AbsoluteUri);
            var match = ProbeOutput().Match(stdout);
            if (!match.Success) throw new InvalidOperationException($"chromium printed no probe result for {htmlPath}; stderr:\n{stderr}");
            using var json = JsonDocument.Parse(System.Net.WebUtility.HtmlDecode(match.Groups[1].Value));
            var images = json.RootElement.GetProperty("images").EnumerateArray()
                .Select(i => new PageImage(i.GetProperty("complete").GetBoolean(), i.GetProperty("w").GetInt32(), i.GetProperty("h").GetInt32(),
                    i.GetProperty("alt").GetString() ?? "")).ToList();
            var errors = json.RootElement.GetProperty("errors").EnumerateArray().Select(e => e.GetString() ?? "").ToList();
            // The page itself has no scripts: any console message chromium logged is one too many.
            errors.AddRange(stderr.Split('\n').Where(l => l.Contains(":CONSOLE", StringComparison.Ordinal)).Select(l => l.Trim()));
            return new PageCheck(images, errors);
        }
        finally
        {
            File.Delete(probed);
        }
    }

    /// <summary>A screenshot of the page's top <paramref name="height"/> pixels at <paramref name="width"/> wide.</summary>
    public static async Task ScreenshotAsync(string htmlPath, string pngPath, int width = 1400, int height = 3200)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(pngPath))!);
        await RunAsync("--hide-scrollbars", $"--window-size={width},{height}", $"--screenshot={Path.GetFullPath(pngPath)}",
            new Uri(Path.GetFullPath(htmlPath)).AbsoluteUri);
        if (!File.Exists(pngPath) || new FileInfo(pngPath).Length == 0)
            throw new InvalidOperationException($"chromium wrote no screenshot to {pngPath}");
    }

    static async Task<(string Stdout, string Stderr)> RunAsync(params string[] arguments)
    {
        var profile = Directory.CreateTempSubdirectory("aegrid-chromium-");
        var start = new ProcessStartInfo(Executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // Each run its own profile: parallel tests must not share (and lock) one.
        foreach (var a in new[] { "--headless", "--disable-gpu", "--no-sandbox", "--no-first-run", $"--user-data-dir={profile.FullName}" }.Concat(arguments))
            start.ArgumentList.Add(a);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {Executable}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"chromium did not finish in 90 s: {string.Join(' ', arguments)}");
        }
        finally
        {
            try { profile.Delete(recursive: true); } catch (IOException) { /* chromium's helpers may still hold a file for a moment */ }
        }
        return (await stdout, await stderr);
    }

    [GeneratedRegex("<pre id=\"aegrid-probe\">(.*?)</pre>", RegexOptions.Singleline)]
    private static partial Regex ProbeOutput();
}
