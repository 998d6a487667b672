using System.CommandLine;
using AeGrid.Client.Cli;
using AeGrid.Client.Data;
using AeGrid.Client.Output;
using Spectre.Console;

namespace AeGrid.Client.Commands;

/// <summary>`aegrid data …`: getting datasets onto this machine.</summary>
internal sealed class DataCommand : Command, ICommandWithExamples
{
    public DataCommand(DatasetSources sources) : base("data", "Manage the datasets training reads.")
    {
        Subcommands.Add(new DataFetchCommand(sources));
    }

    public IReadOnlyList<string> Examples { get; } =
    [
        "aegrid data fetch fashion-mnist",
        "aegrid data fetch mnist --dir /srv/datasets/mnist",
    ];
}

/// <summary>
/// `aegrid data fetch NAME`: downloads the four IDX .gz files, checks each against its published SHA-256 and installs
/// them all at once, where DatasetCatalog finds them.
/// </summary>
internal sealed class DataFetchCommand : Command, ICommandWithExamples
{
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(60);

    private readonly DatasetSources _sources;
    private readonly Argument<string> _dataset;
    private readonly Option<string?> _mirror = new("--mirror")
    {
        Description = "Base URL holding the four files, instead of the dataset's published mirror",
        HelpName = "URL",
    };
    private readonly Option<string?> _directory = new("--dir")
    {
        Description = $"Directory to install into [default: ${DataDirectories.DataRootVariable}/NAME, else ~/.aegrid/data/NAME]",
        HelpName = "DIR",
    };

    public DataFetchCommand(DatasetSources sources)
        : base("fetch", "Download a dataset and verify its published SHA-256 sums; nothing is installed unless all match.")
    {
        _sources = sources;
        _dataset = new Argument<string>("dataset")
        {
            Description = $"Which dataset: {string.Join(", ", sources.Names)}",
            HelpName = string.Join('|', sources.Names),
        };
        Arguments.Add(_dataset);
        Options.Add(_mirror);
        Options.Add(_directory);
        SetAction(CommandAction.Create(RunAsync));
    }

    public IReadOnlyList<string> Examples { get; } =
    [
        "aegrid data fetch fashion-mnist                       # into ~/.aegrid/data/fashion-mnist",
        "aegrid data fetch mnist --dir ./data/mnist",
        "aegrid data fetch mnist --mirror https://example.org/mnist/   # same files, another server",
    ];

    private async Task<int> RunAsync(CommandContext context)
    {
        var parse = context.ParseResult;
        var name = parse.GetRequiredValue(_dataset);
        var source = _sources.Find(name)
                     ?? throw CliException.InvalidInput(
                         $"unknown dataset '{name}'; `data fetch` knows {string.Join(", ", _sources.Names)}");
        var mirror = ParseMirror(parse.GetValue(_mirror)) ?? source.DefaultMirror;
        var directory = parse.GetValue(_directory) ?? DataDirectories.DefaultFor(source.Name);

        context.Error.WriteLine($"Fetching {source.Name} from {mirror} into {Path.GetFullPath(directory)}");
        using var http = CreateHttpClient();
        var fetcher = new DatasetFetcher(http);
        IReadOnlyList<FetchedFile> files;
        try
        {
            files = await context.ErrorConsole.Progress()
                .AutoClear(false)
                .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(),
                    new DownloadedColumn(), new TransferSpeedColumn())
                .StartAsync(async progressContext =>
                {
                    var tasks = source.Files.ToDictionary(f => f.FileName,
                        f => progressContext.AddTask(f.FileName, autoStart: false, maxValue: f.Size ?? 1));
                    return await fetcher.FetchAsync(source, mirror, directory,
                        p => ShowProgress(tasks[p.FileName], p), context.Cancel);
                });
        }
        catch (DatasetFetchException e)
        {
            throw CliException.Failure(e.Message, e);
        }

        WriteSummary(context, source, files, directory, usedDefaultDirectory: parse.GetValue(_directory) is null);
        return ExitCodes.Success;
    }

    private static Uri? ParseMirror(string? text)
    {
        if (text is null)
        {
            return null;
        }
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw CliException.InvalidInput($"--mirror: '{text}' is not an http:// or https:// URL");
        }
        // Without a trailing slash, relative file names would replace the last path segment instead of extending it.
        return uri.AbsoluteUri.EndsWith('/') ? uri : new Uri(uri.AbsoluteUri + "/");
    }

    private static HttpClient CreateHttpClient()
    {
        var http = new HttpClient { Timeout = RequestTimeout };
        http.DefaultRequestHeaders.UserAgent.ParseAdd(
            $"{CliRunner.ProgramName}/{typeof(DataFetchCommand).Assembly.GetName().Version?.ToString(3) ?? "0"}");
        return http;
    }

    private static void ShowProgress(ProgressTask task, DownloadProgress progress)
    {
        if (!task.IsStarted)
        {
            task.StartTask();
        }
        if (progress.TotalBytes is { } total && total > 0)
        {
            task.MaxValue = total;
        }
        task.Value = Math.Min(task.MaxValue, progress.BytesReceived);
    }

    private static void WriteSummary(CommandContext context, DatasetSource source, IReadOnlyList<FetchedFile> files,
        string directory, bool usedDefaultDirectory)
    {
        var table = new Table().Border(TableBorder.Rounded)
            .AddColumn("File").AddColumn(new TableColumn("Size").RightAligned()).AddColumn("SHA-256").AddColumn("");
        foreach (var file in files)
        {
            table.AddRow(Markup.Escape(file.FileName), Formats.Bytes(file.Size), file.Sha256, file.Downloaded ? "downloaded, verified" : "already present, verified");
        }
        context.OutConsole.Write(table);
        var datasetArgument = usedDefaultDirectory ? source.Name : Path.GetFullPath(directory);
        context.Out.WriteLine($"{source.Name} is ready in {Path.GetFullPath(directory)}. " +
                              $"Try: {CliRunner.ProgramName} train --arch linear --dataset {datasetArgument} --epochs 1");
    }
}
