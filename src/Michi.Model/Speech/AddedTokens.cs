// The rows the speech model adds to the backbone's vocabulary (PAD, start of speech, end of
// turn; see SpeechLmConfig), kept apart from the backbone's own tables: the backbone's
// embedding and head stay exactly the pretrained tensors (bit-identical, saved back unchanged
// in Hugging Face layout), and the new rows live in heads.safetensors.
// - Input: ids below the backbone vocabulary read the backbone's embedding, the others read
//   `embed` (A, C); a batch without added ids is exactly the backbone's embedding.
// - Output: logits over the extended vocabulary are the backbone's logits followed by
//   h·rowsᵀ for the added rows. With tied embeddings (SmolLM2) the output rows are the input
//   rows (`embed`), as tying means; an untied backbone gets its own `lm_head` (A, C).
// Initialisation: every new row is the mean of the backbone's rows (input rows from the
// embedding, output rows from the head), the choice of Hewitt 2021 ("Initializing new word
// embeddings for pretrained language models") and transformers' resize_token_embeddings: a
// new token starts as an "average" token instead of a random direction that would dominate
// the softmax.
//
// Shapes: B batch, T positions, C hidden, V backbone vocabulary, A added tokens.
using Michi.Model.Backbone;
using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace Michi.Model.Speech;

public sealed class AddedTokens : nn.Module
{
    public const string BackboneEmbeddingName = "model.embed_tokens.weight";
    public const string BackboneHeadName = "lm_head.weight";

    [ComponentName(Name = "embed")] private readonly Parameter _embed;
    [ComponentName(Name = "lm_head")] private readonly Parameter? _head;

    public AddedTokens(int count, LlamaConfig backbone, ScalarType dtype, Device device) : base(nameof(AddedTokens))
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        Count = count;
        BackboneVocabSize = backbone.VocabSize;
        Tied = backbone.TieWordEmbeddings;
        _embed = new Parameter(torch.zeros([count, backbone.HiddenSize], dtype: dtype, device: device));
        if (!Tied) _head = new Parameter(torch.zeros([count, backbone.HiddenSize], dtype: dtype, device: device));
        RegisterComponents();
    }

    public int Count { get; }
    public int BackboneVocabSize { get; }
    public bool Tied { get; }

    /// <summary>The added input rows, (A, C).</summary>
    public Parameter EmbeddingRows => _embed;

    /// <summary>The added output rows, (A, C): the input rows when tied.</summary>
    public Parameter OutputRows => _head ?? _embed;

    /// <summary>Sets every added row to the mean of the backbone's rows (embedding for input,
    /// head for output). The backbone is only read.</summary>
    public void InitializeFromBackbone(LlamaForCausalLM backbone)
    {
        using var noGrad = torch.no_grad();
        var parameters = backbone.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        FillWithMean(_embed, parameters[BackboneEmbeddingName]);
        if (_head is not null) FillWithMean(_head, parameters[BackboneHeadName]);
    }

    /// <summary>(B, T) ids in [0, V + A) → (B, T, C) embeddings.</summary>
    public Tensor Embed(LlamaForCausalLM backbone, Tensor ids)
    {
        using var scope = torch.NewDisposeScope();
        var added = ids.ge(BackboneVocabSize);                                         // (B, T) bool
        if (!added.any().item<bool>()) return scope.MoveToOuter(backbone.Embed(ids));
        var baseIds = ids.masked_fill(added, 0);                                       // (B, T)
        var baseRows = backbone.Embed(baseIds);                                        // (B, T, C)
        var addedIds = (ids - BackboneVocabSize).clamp_min(0);                         // (B, T)
        var addedRows = _embed.index_select(0, addedIds.flatten())                     // (B·T, C)
            .view(baseRows.shape);                                                     // (B, T, C)
        return scope.MoveToOuter(torch.where(added.unsqueeze(-1), addedRows, baseRows));
    }

    /// <summary>(B, T, C) hidden → (B, T, V + A) float32 logits.</summary>
    public Tensor Logits(LlamaForCausalLM backbone, Tensor hidden)
    {
        using var scope = torch.NewDisposeScope();
        var baseLogits = backbone.Logits(hidden);                                      // (B, T, V) float32
        var addedLogits = nn.functional.linear(hidden, OutputRows).to(ScalarType.Float32);  // (B, T, A)
        return scope.MoveToOuter(torch.cat([baseLogits, addedLogits], -1));
    }

    private static void FillWithMean(Tensor rows, Tensor table)
    {
        using var mean = table.to(ScalarType.Float32).mean([0], keepdim: true);        // (1, C)
        using var cast = mean.to(rows.dtype, rows.device);
        rows.copy_(cast.expand_as(rows));
    }
}
