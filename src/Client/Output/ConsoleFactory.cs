using Spectre.Console;

namespace AeGrid.Client.Output;

/// <summary>
/// Spectre consoles over the invocation's writers. Live progress and colour only on a real terminal; captured
/// or redirected output gets plain text, wide enough that tables do not wrap.
/// </summary>
internal static class ConsoleFactory
{
    private const int RedirectedWidth = 160;

    public static IAnsiConsole For(TextWriter writer)
    {
        var output = new AnsiConsoleOutput(writer);
        var terminal = output.IsTerminal;
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = output,
            Ansi = terminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = terminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = terminal ? InteractionSupport.Detect : InteractionSupport.No,
        });
        if (!terminal)
        {
            console.Profile.Width = RedirectedWidth;
        }
        return console;
    }
}
