// Entry point of the `michi` command line: builds the command tree and runs it. Every command
// group lives in Commands/ (one file per group) and goes through CliRunner, which turns bad
// input into a one-line error and exit code 2. Tests build the same tree in-process.
using System.CommandLine;
using Michi.Cli.Commands;
using Michi.Cli.Infrastructure;

namespace Michi.Cli;

public static class Program
{
    public static RootCommand BuildCommandLine()
    {
        var root = new RootCommand(
            "Michi: a full-duplex speech language model in .NET. Run 'michi COMMAND --help' for details.");
        foreach (var command in new[] { AudioCommands.Create(), DataCommands.Create(), ModelCommands.Create(), TextCommands.Create(), BenchCommands.Create(), CodecCommands.Create(), TrainCommands.Create(), EvalCommands.Create() })
            root.Subcommands.Add(command);
        root.Subcommands.Add(SayCommand.Create());
        root.Subcommands.Add(ContinueCommand.Create());
        return root;
    }

    public static Task<int> Main(string[] args) => CliRunner.RunAsync(BuildCommandLine(), args);
}
