namespace AeGrid.Client.Report;

/// <summary>What to call each label in legends and captions: Fashion-MNIST's article names, else the label number.</summary>
internal sealed class ClassNames
{
    static readonly string[] FashionMnist =
        ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

    readonly string[]? _names;

    ClassNames(string[]? names) => _names = names;

    /// <summary>
    /// Fashion-MNIST names when the dataset is called fashion-mnist or was read from a directory of that name (as
    /// DatasetCatalog's search paths are); digits otherwise: MNIST's labels are the digits themselves.
    /// </summary>
    public static ClassNames For(string datasetName, string directory)
    {
        bool fashion = datasetName == "fashion-mnist"
                       || Path.GetFileName(Path.TrimEndingDirectorySeparator(directory)) == "fashion-mnist";
        return new ClassNames(fashion ? FashionMnist : null);
    }

    public string this[int label] => _names is not null && label >= 0 && label < _names.Length ? _names[label] : label.ToString();
}
