// Streams generated tokens for a prompt: the .NET face of text generation. The generator holds
// only shared, read-only things (model, tokenizer); every GenerateAsync call opens its own
// TextGenerationSession (KV cache, RNG), so one generator serves concurrent callers.
// Each step runs on the thread pool, so a caller's thread is never blocked for a forward
// pass, and cancellation is checked between steps.
using System.Runtime.CompilerServices;
using Michi.Model.Backbone;
using Michi.Model.Kernels;
using Michi.Model.Text;

namespace Michi.Runtime;

public sealed class TextGenerator(LlamaForCausalLM model, TextTokenizer? tokenizer = null)
{
    public LlamaForCausalLM Model { get; } = model ?? throw new ArgumentNullException(nameof(model));
    public TextTokenizer? Tokenizer { get; } = tokenizer;

    // Built on first use: binding the kernels to the weights costs a pass over the parameters.
    private readonly Lazy<LlamaDecodeStep?> _step = new(() =>
        model is { Device.type: TorchSharp.DeviceType.CPU, DType: TorchSharp.torch.ScalarType.Float32 or TorchSharp.torch.ScalarType.BFloat16 }
            ? new LlamaDecodeStep(model) : null);

    /// <summary>Use the matrix-vector kernels for single-token steps (default true; false = LibTorch only).</summary>
    public bool UseFastStep { get; init; } = true;

    /// <summary>A session with room for <paramref name="capacity"/> positions.</summary>
    public TextGenerationSession CreateSession(GenerationOptions options, int capacity) =>
        new(Model, options, capacity, Tokenizer, UseFastStep ? _step.Value : null);

    /// <summary>Up to options.MaxNewTokens tokens after the prompt; ends early after a stop token.
    /// The last token's Text includes anything the streaming decoder still held.</summary>
    public async IAsyncEnumerable<GeneratedToken> GenerateAsync(int[] promptIds, GenerationOptions options,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(promptIds);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (promptIds.Length == 0) throw new InvalidInputException("the prompt has no tokens");
        if (options.MaxNewTokens == 0) yield break;
        // The last generated token is never fed back, hence the − 1.
        long needed = (long)promptIds.Length + options.MaxNewTokens - 1;
        if (needed > Model.Config.MaxPositionEmbeddings)
            throw new InvalidInputException($"prompt of {promptIds.Length} tokens + {options.MaxNewTokens} new tokens exceeds the model's context of {Model.Config.MaxPositionEmbeddings}");

        using var session = CreateSession(options, (int)needed);
        session.Append(promptIds);
        for (int i = 0; i < options.MaxNewTokens; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var token = await Task.Run(session.Next, cancellationToken).ConfigureAwait(false);
            if (token.IsStop || i == options.MaxNewTokens - 1) token = token with { Text = token.Text + session.FlushText() };
            yield return token;
            if (token.IsStop) yield break;
        }
    }
}
