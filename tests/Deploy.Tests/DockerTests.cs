using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace AeGrid.Deploy.Tests;

/// <summary>
/// What can be checked of deploy/docker/Dockerfile without a Docker engine: the restore layer copies every project file
/// the images build (else `dotnet restore` fails in the image, or the layer cache breaks), the final images run as
/// uid 10001, and the build context is an allow-list.
/// </summary>
public sealed partial class DockerTests
{
    static readonly string Dockerfile = File.ReadAllText(Path.Combine(Tools.RepoRoot, "deploy", "docker", "Dockerfile"));

    /// <summary>The projects <paramref name="project"/> builds from: itself and its ProjectReferences, transitively.</summary>
    static IEnumerable<string> Closure(string project)
    {
        var seen = new HashSet<string>();
        var pending = new Stack<string>([Path.GetFullPath(project)]);
        while (pending.TryPop(out var next))
        {
            if (!seen.Add(next)) continue;
            foreach (var reference in XDocument.Load(next).Descendants("ProjectReference"))
                pending.Push(Path.GetFullPath(Path.Combine(Path.GetDirectoryName(next)!, reference.Attribute("Include")!.Value)));
        }
        return seen.Select(p => Path.GetRelativePath(Tools.RepoRoot, p).Replace('\\', '/'));
    }

    [Fact]
    public void Restore_layer_copies_every_project_file_the_images_build()
    {
        var copied = CsprojCopy().Matches(Dockerfile).Select(m => m.Groups[1].Value).Order().ToList();
        var needed = Closure(Path.Combine(Tools.RepoRoot, "src", "Silo", "AeGrid.Silo.csproj"))
            .Concat(Closure(Path.Combine(Tools.RepoRoot, "src", "Client", "AeGrid.Client.csproj"))).Distinct().Order().ToList();
        Assert.Equal(needed, copied);
        // Restore runs before the sources are copied, so a source change reuses the package layers.
        Assert.True(Dockerfile.IndexOf("dotnet restore", StringComparison.Ordinal) < Dockerfile.IndexOf("COPY src/ src/", StringComparison.Ordinal));
    }

    [Fact]
    public void Every_image_target_runs_as_uid_10001()
    {
        var stages = Stage().Matches(Dockerfile).Select(m => (Name: m.Groups[1].Value, Start: m.Index)).ToList();
        foreach (var target in new[] { "silo", "cli", "silo-cuda" })
        {
            var i = stages.FindIndex(s => s.Name == target);
            Assert.True(i >= 0, $"no stage {target}");
            var end = i + 1 < stages.Count ? stages[i + 1].Start : Dockerfile.Length;
            var body = Dockerfile[stages[i].Start..end];
            Assert.Contains("\nUSER 10001:10001\n", body);
            Assert.Matches(@"ENTRYPOINT \[""/app/aegrid(-silo)?""\]", body);
        }
        Assert.Contains("-p:TorchBackend=cuda", Dockerfile);
        Assert.DoesNotContain(":latest", Dockerfile);
    }

    [Fact]
    public void Build_context_is_an_allow_list_of_what_the_dockerfile_copies()
    {
        var lines = File.ReadAllLines(Path.Combine(Tools.RepoRoot, ".dockerignore"))
            .Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();
        Assert.Equal("*", lines[0]);
        var allowed = lines.Where(l => l.StartsWith('!')).Select(l => l[1..].TrimEnd('/')).ToHashSet();
        foreach (Match copy in HostCopy().Matches(Dockerfile))
        foreach (var source in copy.Groups[1].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries).SkipLast(1))
            Assert.True(allowed.Contains(source.TrimEnd('/')) || allowed.Contains(source.Split('/')[0]),
                $"COPY {source}: excluded from the build context by .dockerignore");
        Assert.Contains("**/bin/", lines);
        Assert.Contains("**/obj/", lines);
    }

    [GeneratedRegex(@"^COPY (src/\S+\.csproj) ", RegexOptions.Multiline)]
    private static partial Regex CsprojCopy();

    [GeneratedRegex(@"^FROM \S+ AS (\S+)$", RegexOptions.Multiline)]
    private static partial Regex Stage();

    /// <summary>COPY lines that read the build context (not --from another stage).</summary>
    [GeneratedRegex(@"^COPY (?!--from)(.+)$", RegexOptions.Multiline)]
    private static partial Regex HostCopy();
}
