// The tiny-llama fixture loaded once per test run (float32 compute), shared by the runtime tests.
using Michi.Model.Backbone;
using Michi.Tests.Fixtures;
using TorchSharp;

namespace Michi.Runtime.Tests;

internal static class FixtureModel
{
    private static readonly Lazy<HfModelDirectory> Loaded = new(() =>
        HfModelDirectory.Load(TinyLlamaFixture.Directory, torch.ScalarType.Float32));

    public static HfModelDirectory Directory => Loaded.Value;

    public static TextGenerator Generator => new(Loaded.Value.Model, Loaded.Value.Tokenizer);
}
