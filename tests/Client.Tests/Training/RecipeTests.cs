using AeGrid.Client.Training;
using AeGrid.Models.Training;

namespace AeGrid.Client.Tests.Training;

public sealed class RecipeTests
{
    private static readonly Hyperparameters Requested = new()
    {
        Architecture = "deep-mlp",
        Epochs = 1,
        LearningRate = 0.01,
        Seed = 7,
    };

    // What WithDefaults might fill in; the recipe only compares the two configs.
    private static readonly Hyperparameters Filled = Requested with
    {
        EncodingDim = 32,
        HiddenSizes = [128, 64],
        Optimizer = "adam",
        BatchSize = 256,
        Dataset = "mnist",
    };

    [Fact]
    public void Unset_members_come_from_the_tutorial_and_set_ones_from_the_command_line()
    {
        var recipe = Recipe.Compare(Requested, Filled);

        Assert.Equal(["dataset", "encoding-dim", "hidden-sizes", "optimizer", "batch-size"],
            recipe.FromTutorial.Select(s => s.Option));
        Assert.Equal(["lr", "epochs"], recipe.FromCommandLine.Select(s => s.Option));
        Assert.Equal(["dataset", "encoding_dim", "hidden_sizes", "optimizer", "batch_size"],
            recipe.FromTutorial.Select(s => s.JsonName));
        Assert.Equal("lr", recipe.FromCommandLine[0].JsonName);
    }

    [Fact]
    public void Parameters_that_do_not_apply_to_the_architecture_are_not_mentioned()
    {
        var recipe = Recipe.Compare(Requested, Filled);

        var mentioned = recipe.FromTutorial.Concat(recipe.FromCommandLine).Select(s => s.Option).ToList();
        Assert.DoesNotContain("noise", mentioned);
        Assert.DoesNotContain("clip-noise", mentioned);
        Assert.DoesNotContain("limit", mentioned);
    }

    [Fact]
    public void Describe_is_one_line_with_values_as_typed_on_the_command_line()
    {
        var line = Recipe.Compare(Requested, Filled).Describe();

        Assert.Equal(
            "Recipe: deep-mlp tutorial defaults (dataset mnist, encoding-dim 32, hidden-sizes 128,64, optimizer adam, " +
            "batch-size 256); set here: lr 0.01, epochs 1; seed 7",
            line);
    }

    [Fact]
    public void A_fully_specified_config_says_no_defaults_were_needed()
    {
        var line = Recipe.Compare(Filled, Filled).Describe();

        Assert.StartsWith("Recipe: deep-mlp, no tutorial defaults needed; set here: dataset mnist, encoding-dim 32,", line);
    }
}
