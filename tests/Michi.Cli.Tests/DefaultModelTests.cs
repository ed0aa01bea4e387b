// The default speech model (models/demo) is found from any working folder through MICHI_HOME,
// which the ./michi launcher exports; without it, a one-line error says what to do.
using Michi.Cli.Commands;

namespace Michi.Cli.Tests;

public class DefaultModelTests
{
    [Fact]
    public void DefaultModelIsFoundThroughMichiHome()
    {
        Assert.False(Directory.Exists(SpeechCli.DefaultModel));   // tests run in their bin folder
        string home = CliHarness.TempDir();
        string? before = Environment.GetEnvironmentVariable("MICHI_HOME");
        try
        {
            Environment.SetEnvironmentVariable("MICHI_HOME", home);
            var missing = Assert.Throws<InvalidInputException>(() => SpeechCli.ResolveDefaultModel("pass --model"));
            Assert.Contains("pass --model", missing.Message);
            Directory.CreateDirectory(Path.Combine(home, "models", "demo"));
            Assert.Equal(Path.Combine(home, "models", "demo"), SpeechCli.ResolveDefaultModel());
        }
        finally
        {
            Environment.SetEnvironmentVariable("MICHI_HOME", before);
            Directory.Delete(home, recursive: true);
        }
    }
}
