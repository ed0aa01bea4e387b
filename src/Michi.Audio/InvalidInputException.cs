// The one exception type for input the user gave us that is wrong (a WAV, a safetensors file,
// a JSON config, a tokenizer file, a CLI argument, a network message). The CLI maps it to a
// one-line message on stderr and exit code 2; anything else is a bug and keeps its stack trace.
// It lives in the bottom project so that every layer can throw it.
namespace Michi;

public sealed class InvalidInputException : Exception
{
    public InvalidInputException(string message) : base(message) { }

    public InvalidInputException(string message, Exception inner) : base(message, inner) { }

    /// <summary>Builds the conventional "PATH: problem" message.</summary>
    public static InvalidInputException ForFile(string path, string problem) => new($"{path}: {problem}");
}
