// The text stream of a model, whichever kind of directory holds it: a Hugging Face backbone
// (plain next-token logits) or a speech model (text-only positions through SpeechLm, logits
// over the extended vocabulary). A training output folder stands for its published model/ or
// its latest checkpoint. This is what `michi eval text-ppl` scores: the same measure for the
// untouched backbone and for the speech model trained from it, so their ratio is the coherence
// claim of DESIGN.md §4.
using Michi.Model.Backbone;
using Michi.Model.Speech;
using Michi.Model.Text;
using Michi.Training.Speech;
using static TorchSharp.torch;

namespace Michi.Training.Text;

public sealed class TextStreamModel : IDisposable
{
    private readonly HfModelDirectory? _backbone;
    private readonly SpeechLmDirectory? _speech;

    private TextStreamModel(string directory, HfModelDirectory? backbone, SpeechLmDirectory? speech, string tokenizerDirectory)
    {
        Directory = directory;
        _backbone = backbone;
        _speech = speech;
        TokenizerFingerprint = Fingerprints.Tokenizer(tokenizerDirectory);
    }

    public string Directory { get; }

    /// <summary>"backbone" or "speech".</summary>
    public string Kind => _speech is null ? "backbone" : "speech";

    public TextTokenizer Tokenizer => _speech?.Tokenizer ?? _backbone!.Tokenizer;
    public string TokenizerFingerprint { get; }
    public int MaxPositions => (_speech?.Config.Backbone ?? _backbone!.Config).MaxPositionEmbeddings;
    public Device Device => _speech?.Model.Device ?? _backbone!.Model.Device;

    public static TextStreamModel Load(string path, ScalarType dtype = ScalarType.Float32, Device? device = null)
    {
        string directory = SpeechModelFactory.Resolve(path);
        if (SpeechModelFactory.Kind(directory) == ModelDirectoryKind.Speech)
            return new TextStreamModel(directory, null, SpeechLmDirectory.Load(directory, dtype, device),
                System.IO.Path.Combine(directory, SpeechLmDirectory.BackboneDirectoryName));
        return new TextStreamModel(directory, HfModelDirectory.Load(directory, dtype, device), null, directory);
    }

    /// <summary>(B, T) ids → (B, T, V) float32 logits of the text stream.</summary>
    public Tensor Logits(Tensor ids)
    {
        if (_speech is null) return _backbone!.Model.Forward(ids);
        var output = _speech.Model.Forward(SpeechLmInputs.Text(ids));
        output.Hidden.Dispose();
        return output.TextLogits;
    }

    public PerplexityResult Perplexity(IReadOnlyList<int> tokens, int window, CancellationToken ct = default) =>
        TextPerplexity.Evaluate(Logits, tokens, Math.Min(window, MaxPositions), Device, ct: ct);

    public void Dispose()
    {
        _backbone?.Dispose();
        _speech?.Dispose();
    }
}
