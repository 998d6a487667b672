using AeGrid.Abstractions;
using AeGrid.Models.Training;

namespace AeGrid.Grains.Sweeps;

public static partial class SweepSpecParser
{
    /// <summary>The checks of `space:` against the rest of the file and the search kind.</summary>
    private sealed partial class Reading
    {
        private void CheckSpace()
        {
            foreach (var dimension in space)
            {
                var parameter = dimension.Dimension.Parameter;
                if (locations.TryGetValue(parameter, out var given))
                    throw reader.Error(dimension.Entry.Key, dimension.Key,
                        $"{parameter} is also given at the top level (line {given.Node.Line}); give it in one place");
                locations[parameter] = (dimension.Entry.Value, dimension.Key);
            }
            CheckBranches();

            if (!locations.ContainsKey(HyperparameterCatalog.Architecture))
                throw reader.Error(top, HyperparameterCatalog.Architecture,
                    "required: give one at the top level (architecture: linear) or several in space (architecture: [linear, deep-mlp])");
            if (tpeNode is not null && search != SearchKind.Tpe)
                throw reader.Error(tpeNode, "tpe", "tpe settings apply to search: tpe only; remove them, or use search: tpe");

            if (search != SearchKind.Grid)
            {
                if (trials is null)
                    throw reader.Error(searchNode ?? top, "trials", search switch
                    {
                        SearchKind.Tpe => "tpe search needs a trial budget: trials: N",
                        SearchKind.Pbt => "pbt search needs a population size: trials: N",
                        _ => "random search needs a trial count: trials: N",
                    });
                return;
            }

            if (trialsNode is not null)
                throw reader.Error(trialsNode, "trials",
                    "a grid search runs every combination, so it takes no trial count; remove trials, or use search: random");
            foreach (var dimension in SearchSpaceParser.Flatten(space).Where(d => d.Dimension is FloatDimension or IntegerDimension))
                throw reader.Error(dimension.Entry.Value, dimension.Key, "grid search needs lists; use search: random for distributions");

            long size = 1;
            foreach (var dimension in space)
            {
                size *= SweepSpec.GridSizeOf([dimension.Dimension]);
                if (size > MaxGridSize)
                    throw reader.Error(spaceNode!, "space",
                        $"the grid has more than {MaxGridSize:N0} trials ({Describe(space)}); narrow it, or use search: random with trials: N");
            }
        }

        private static string Describe(IEnumerable<SearchSpaceParser.ParsedDimension> dimensions) =>
            string.Join(" × ", dimensions.Select(d => $"{SweepSpec.GridSizeOf([d.Dimension])} {d.Dimension.Parameter}"));

        /// <summary>
        /// Each architecture's sub-space: a parameter given elsewhere too is refused, and each value is put through the
        /// Models' rules for that architecture alone, so a key the architecture lacks (hidden_sizes for conv-denoise) is
        /// named with its own line rather than found later in some trial.
        /// </summary>
        private void CheckBranches()
        {
            foreach (var branch in space.Where(d => d.Branches is not null).SelectMany(d => d.Branches!))
            {
                Check(new Hyperparameters { Architecture = branch.Architecture, Seed = seed }, branch.Entry.Key, branch.Key);
                foreach (var dimension in branch.Dimensions)
                {
                    var parameter = dimension.Dimension.Parameter;
                    if (locations.TryGetValue(parameter, out var given))
                        throw reader.Error(dimension.Entry.Key, dimension.Key,
                            $"{parameter} is also given at {given.Key} (line {given.Node.Line}); give it in one place");
                    branchLocations[(branch.Architecture, parameter)] = (dimension.Entry.Value, dimension.Key);
                    var definition = HyperparameterCatalog.Get(parameter);
                    foreach (var value in Extremes(dimension.Dimension))
                        Check(definition.Set(new Hyperparameters { Architecture = branch.Architecture, Seed = seed }, value), dimension.Entry.Value, dimension.Key);
                }
            }
        }

        private void Check(Hyperparameters alone, SpecNode node, string key)
        {
            try
            {
                TrainingRules.ValidateAll(alone);
            }
            catch (InvalidHyperparameterException e)
            {
                var problem = e.Message.StartsWith($"{e.Parameter}: ", StringComparison.Ordinal) ? e.Message[(e.Parameter.Length + 2)..] : e.Message;
                throw reader.Error(node, key, problem);
            }
        }

        /// <summary>The values that stand for a dimension in a rule check: every choice of a list, both ends of a range.</summary>
        private static IEnumerable<ParameterValue> Extremes(SearchDimension dimension) => dimension switch
        {
            CategoricalDimension categorical => categorical.Choices,
            FloatDimension range => [new RealValue(range.Low), new RealValue(range.High)],
            IntegerDimension range => [new IntegerValue(range.Low), new IntegerValue(range.High)],
            _ => [],
        };
    }
}
