using AeGrid.Client.Tests.Support;

namespace AeGrid.Client.Tests.Report;

/// <summary>The browser check the report tests rely on can fail: a broken picture and a console error are both caught.</summary>
public sealed class HeadlessChromiumProbeTests : IDisposable
{
    readonly TemporaryDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task A_broken_image_and_a_console_error_are_reported()
    {
        var page = _temp.Combine("bad.html");
        File.WriteAllText(page, """
            <!DOCTYPE html><html><head><meta charset="utf-8"><title>bad</title></head><body>
            <img src="data:image/png;base64,AAAA" alt="broken">
            <img src="missing.png" alt="missing">
            <script>console.error("boom")</script>
            </body></html>
            """);

        var check = await HeadlessChromium.CheckAsync(page);

        Assert.Equal(["broken", "missing"], check.Images.Select(i => i.Alt));
        Assert.All(check.Images, i => Assert.Equal(0, i.NaturalWidth));
        Assert.Contains(check.Errors, e => e.Contains("boom", StringComparison.Ordinal));
        Assert.Contains(check.Errors, e => e.Contains("missing.png", StringComparison.Ordinal));
    }
}
