namespace AeGrid.Integration.Tests.Support;

/// <summary>Small sweep files over the fixture data, written to a temp folder for a test.</summary>
public static class SweepFiles
{
    /// <summary>A grid of linear and deep-mlp trials, short enough for tests (fixture data, a couple of epochs).</summary>
    public static string Small(string name, int epochs = 2, int keepBest = 2) => $"""
        name: {name}
        dataset: {RepoPaths.MnistFixture}
        metric: test_mse
        search: grid
        epochs: {epochs}
        seed: 7
        keep_best: {keepBest}
        batch_size: 50
        space:
          architecture: [linear, deep-mlp]
          lr: [0.001, 0.005, 0.01]
        """;

    /// <summary>
    /// A sweep over the fixture's first <paramref name="limit"/> training images in batches of 50 (a few batches an
    /// epoch, so a trial takes a second or two); <paramref name="body"/> adds the rest (unindented YAML lines).
    /// </summary>
    public static string Tiny(string name, string body, int limit = 200) => $"""
        name: {name}
        dataset: {RepoPaths.MnistFixture}
        limit: {limit}
        batch_size: 50
        seed: 7
        {body}
        """;

    public static string Write(string directory, string name, string text)
    {
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, name + ".yaml");
        File.WriteAllText(path, text);
        return path;
    }
}
