namespace AeGrid.TestSupport;

/// <summary>Hyperparameters with every catalog entry set, none to the record's default, so a round trip that loses one shows.</summary>
public static class EveryHyperparameter
{
    public static readonly Hyperparameters Set = new()
    {
        Architecture = "cluster-mlp", EncodingDim = 100, HiddenSizes = [256, 64], NoiseFactor = 0.1, ClipNoise = true,
        LearningRate = 0.01, Optimizer = "sgd", BatchSize = 100, Epochs = 7, Seed = 9, Dataset = "mnist", Limit = 500,
        Shuffle = false,
    };
}
