// Lets the CLI tests reach command helpers (e.g. SpeechCli.ResolveDefaultModel) directly.
using System.Runtime.CompilerServices;

[assembly: InternalsVisibleTo("Michi.Cli.Tests")]
