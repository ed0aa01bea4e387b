// A Hugging Face model directory loaded as one unit: config.json (validated Llama config),
// model.safetensors or a sharded set with its index (loaded strictly by state-dict name),
// tokenizer.json + tokenizer_config.json, and generation_config.json when present.
// Any mismatch between config and checkpoint (missing, unexpected or wrong-shape tensors) is
// refused with one message listing what differs. Inspect reads only headers and builds the
// model on the "meta" device: the same checks and a summary, with no weights in memory.
// Reference: transformers PreTrainedModel.from_pretrained (directory layout).
using Michi.Model.Checkpoints;
using Michi.Model.Text;
using TorchSharp;
using static TorchSharp.torch;

namespace Michi.Model.Backbone;

public sealed class HfModelDirectory : IDisposable
{
    private HfModelDirectory(string directory, LlamaForCausalLM model, TextTokenizer tokenizer,
        GenerationConfig? generation, ModelSummary summary)
    {
        Directory = directory;
        Model = model;
        Tokenizer = tokenizer;
        GenerationConfig = generation;
        Summary = summary;
    }

    public string Directory { get; }
    public LlamaConfig Config => Model.Config;
    public LlamaForCausalLM Model { get; }
    public TextTokenizer Tokenizer { get; }

    /// <summary>generation_config.json, or null when the directory has none.</summary>
    public GenerationConfig? GenerationConfig { get; }

    public ModelSummary Summary { get; }

    /// <summary>Token ids that end a generation: generation_config's eos ids, else config.json's,
    /// else the tokenizer's eos token.</summary>
    public IReadOnlyList<int> StopTokenIds =>
        GenerationConfig is { EosTokenIds.Count: > 0 } g ? g.EosTokenIds
        : Config.EosTokenIds.Count > 0 ? Config.EosTokenIds
        : Tokenizer.EosId is { } eos ? [eos] : [];

    /// <summary>Loads everything; weights are converted to <paramref name="dtype"/> on <paramref name="device"/>.</summary>
    public static HfModelDirectory Load(string directory, ScalarType dtype = ScalarType.Float32, Device? device = null)
    {
        var (config, tokenizer, generation) = ReadSmallFiles(directory);
        using var checkpoint = Checkpoint.Open(directory);
        var model = new LlamaForCausalLM(config, dtype, device);
        try
        {
            using var visible = new CheckpointAliases(checkpoint, config.TieWordEmbeddings);
            CheckpointLoader.LoadInto(model, visible, strict: true);
            model.eval();
            return new HfModelDirectory(directory, model, tokenizer, generation, Summarize(config, model, checkpoint, tokenizer));
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>Checks a directory and summarises it without loading weights (headers only).</summary>
    public static ModelSummary Inspect(string directory)
    {
        var (config, tokenizer, _) = ReadSmallFiles(directory);
        using var checkpoint = Checkpoint.Open(directory);
        using var model = new LlamaForCausalLM(config, ScalarType.Float32, new Device("meta"));
        using var visible = new CheckpointAliases(checkpoint, config.TieWordEmbeddings);
        if (CompareShapes(model, visible) is { } problem) throw InvalidInputException.ForFile(checkpoint.Path, problem);
        return Summarize(config, model, checkpoint, tokenizer);
    }

    /// <summary>What differs between a module's state dict and a checkpoint's headers, or null.</summary>
    public static string? CompareShapes(nn.Module module, ICheckpointReader checkpoint)
    {
        var state = module.state_dict();
        var missing = state.Keys.Where(n => !checkpoint.Contains(n)).Order(StringComparer.Ordinal).ToList();
        var unexpected = checkpoint.Names.Where(n => !state.ContainsKey(n)).ToList();
        var wrong = state.Where(kv => checkpoint.Contains(kv.Key) && !checkpoint.Entry(kv.Key).Shape.SequenceEqual(kv.Value.shape))
            .Select(kv => $"{kv.Key}: checkpoint {checkpoint.Entry(kv.Key).ShapeText}, model [{string.Join(", ", kv.Value.shape)}]")
            .ToList();
        var parts = new[] { List("missing", missing), List("unexpected", unexpected), List("with the wrong shape", wrong) }
            .Where(p => p.Length > 0).ToList();
        return parts.Count == 0 ? null : "checkpoint does not match the model: " + string.Join("; ", parts);
    }

    private static string List(string kind, List<string> names) => names.Count == 0 ? ""
        : $"{names.Count} {kind} ({string.Join(", ", names.Take(5))}{(names.Count > 5 ? $", … and {names.Count - 5} more" : "")})";

    private static (LlamaConfig, TextTokenizer, GenerationConfig?) ReadSmallFiles(string directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        if (!System.IO.Directory.Exists(directory)) throw InvalidInputException.ForFile(directory, "model directory not found");
        var config = LlamaConfig.Load(Path.Combine(directory, LlamaConfig.FileName));
        var tokenizer = TextTokenizer.Load(directory);
        if (tokenizer.VocabSize > config.VocabSize)
            throw InvalidInputException.ForFile(Path.Combine(directory, "tokenizer.json"),
                $"tokenizer has ids up to {tokenizer.VocabSize - 1}, beyond config.json vocab_size {config.VocabSize}");
        string generationPath = Path.Combine(directory, GenerationConfig.FileName);
        var generation = File.Exists(generationPath) ? GenerationConfig.Load(generationPath) : null;
        return (config, tokenizer, generation);
    }

    private static ModelSummary Summarize(LlamaConfig config, LlamaForCausalLM model, ICheckpointReader checkpoint, TextTokenizer tokenizer)
    {
        var dtypes = checkpoint.Names.Select(n => checkpoint.Entry(n).DType.ToString()).Distinct().Order().ToList();
        return new ModelSummary(
            Architecture: config.Architectures is { Count: > 0 } a ? a[0] : "LlamaForCausalLM",
            ParameterCount: model.ParameterCount,
            CheckpointDTypes: dtypes,
            TensorCount: checkpoint.Names.Count,
            Layers: config.NumHiddenLayers,
            HiddenSize: config.HiddenSize,
            IntermediateSize: config.IntermediateSize,
            AttentionHeads: config.NumAttentionHeads,
            KeyValueHeads: config.NumKeyValueHeads,
            HeadDim: config.HeadDim,
            VocabSize: config.VocabSize,
            MaxPositions: config.MaxPositionEmbeddings,
            RopeTheta: config.RopeTheta,
            RopeScaling: config.RopeScaling?.Kind,
            TiedEmbeddings: config.TieWordEmbeddings,
            TokenizerVocabSize: tokenizer.VocabSize,
            BosId: tokenizer.BosId ?? config.BosTokenId,
            EosId: tokenizer.EosId ?? (config.EosTokenIds.Count > 0 ? config.EosTokenIds[0] : null),
            PadId: tokenizer.PadId,
            ChatTemplate: tokenizer.ImStartId is not null && tokenizer.ImEndId is not null);
    }

    public void Dispose() => Model.Dispose();
}
