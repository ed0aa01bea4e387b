// Loading a checkpoint into a module by state-dict name, with strict matching.
using Michi.Model.Checkpoints;
using TorchSharp;
using static TorchSharp.torch;

namespace Michi.Model.Tests.Checkpoints;

public sealed class CheckpointLoaderTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private ICheckpointReader Save(Dictionary<string, Tensor> tensors)
    {
        string path = _dir.File($"{Guid.NewGuid():N}.safetensors");
        SafetensorsWriter.Write(path, tensors);
        return Checkpoint.Open(path);
    }

    [Fact]
    public void LinearLoadsWithDTypeConversion()
    {
        using var weight = torch.randn(3, 4, generator: new Generator(1)).to(ScalarType.BFloat16);
        using var bias = torch.randn(3, generator: new Generator(2)).to(ScalarType.BFloat16);
        using var checkpoint = Save(new() { ["weight"] = weight, ["bias"] = bias });
        using var linear = nn.Linear(4, 3); // float32

        var report = CheckpointLoader.LoadInto(linear, checkpoint);

        Assert.Equal(2, report.Loaded);
        Assert.Empty(report.Missing);
        Assert.Empty(report.Unexpected);
        Assert.Equal(ScalarType.Float32, linear.weight!.dtype);
        using var expectedWeight = weight.to(ScalarType.Float32);
        using var expectedBias = bias.to(ScalarType.Float32);
        Assert.True(TestTensors.SameValues(linear.weight, expectedWeight));
        Assert.True(TestTensors.SameValues(linear.bias!, expectedBias));
        Assert.True(linear.weight.requires_grad); // still a trainable parameter
    }

    [Fact]
    public void MismatchesAreListedAndNothingIsCopied()
    {
        using var weight = torch.zeros(3, 5);
        using var extra = torch.zeros(2);
        using var checkpoint = Save(new() { ["weight"] = weight, ["extra.scale"] = extra }); // no bias
        using var linear = nn.Linear(4, 3);
        using var before = linear.weight!.detach().clone();

        var error = Assert.Throws<InvalidInputException>(() => CheckpointLoader.LoadInto(linear, checkpoint));

        Assert.StartsWith(checkpoint.Path + ": checkpoint does not match the model", error.Message);
        Assert.Contains("1 missing (bias)", error.Message);
        Assert.Contains("1 unexpected (extra.scale)", error.Message);
        Assert.Contains("1 with the wrong shape (weight: checkpoint [3, 5], model [3, 4])", error.Message);
        Assert.True(TestTensors.SameValues(linear.weight, before));
    }

    [Fact]
    public void NonStrictSkipsMissingAndUnexpectedButNotWrongShapes()
    {
        using var weight = torch.ones(3, 4);
        using var extra = torch.zeros(2);
        using var checkpoint = Save(new() { ["weight"] = weight, ["extra.scale"] = extra });
        using var linear = nn.Linear(4, 3);

        var report = CheckpointLoader.LoadInto(linear, checkpoint, strict: false);

        Assert.Equal(["bias"], report.Missing);
        Assert.Equal(["extra.scale"], report.Unexpected);
        Assert.True(TestTensors.SameValues(linear.weight!, weight));

        using var wrong = torch.ones(4, 4);
        using var wrongCheckpoint = Save(new() { ["weight"] = wrong });
        var error = Assert.Throws<InvalidInputException>(() => CheckpointLoader.LoadInto(linear, wrongCheckpoint, strict: false));
        Assert.Contains("weight: checkpoint [4, 4], model [3, 4]", error.Message);
        Assert.DoesNotContain("missing", error.Message);
    }

    [Fact]
    public void LongListsAreCut()
    {
        var tensors = Enumerable.Range(0, 8).ToDictionary(i => $"stray.{i}", _ => torch.zeros(1));
        using var checkpoint = Save(tensors);
        foreach (var t in tensors.Values) t.Dispose();
        using var linear = nn.Linear(2, 2);

        var error = Assert.Throws<InvalidInputException>(() => CheckpointLoader.LoadInto(linear, checkpoint));

        Assert.Contains("8 unexpected (stray.0, stray.1, stray.2, stray.3, stray.4, … and 3 more)", error.Message);
        Assert.Contains("2 missing (", error.Message);
    }

    [Fact]
    public void NestedModuleLoadsFromItsOwnStateDict()
    {
        using var source = nn.Sequential(("proj", nn.Linear(3, 6)), ("act", nn.ReLU()), ("out", nn.Linear(6, 2)));
        using var target = nn.Sequential(("proj", nn.Linear(3, 6)), ("act", nn.ReLU()), ("out", nn.Linear(6, 2)));
        using var checkpoint = Save(source.state_dict());
        using var x = torch.randn(5, 3);

        CheckpointLoader.LoadInto(target, checkpoint);

        using var expected = source.forward(x);
        using var actual = target.forward(x);
        Assert.True(TestTensors.SameValues(actual, expected));
    }
}
