// `michi eval text-ppl`: perplexity of a model's text stream on held-out text (the coherence
// measure of DESIGN.md §4). --model takes a Hugging Face backbone directory, a speech model
// directory, or a training output folder; --baseline the untouched backbone, for the ratio
// ppl(model) / ppl(baseline) on the same tokens (1.0 = no coherence lost). --json prints
// {"ppl","mean_nll","tokens","model_kind"[,"baseline_ppl","baseline_mean_nll","ratio"]}.
using System.CommandLine;
using Michi.Cli.Infrastructure;
using Michi.Training.Text;

namespace Michi.Cli.Commands;

public static class EvalCommands
{
    public static Command Create()
    {
        var eval = new Command("eval", "Evaluate trained models.");
        eval.Subcommands.Add(CreateTextPerplexity());
        eval.Subcommands.Add(EvalCodecCommand.Create());
        eval.Subcommands.Add(EvalSpeechCommand.Create());
        return eval;
    }

    static Command CreateTextPerplexity()
    {
        var model = CommonOptions.ModelDir("Model: a Hugging Face backbone, a speech model directory, or a training output folder.");
        var text = new Option<string>("--text") { Description = "Text file to score (one sentence or paragraph per line).", Required = true };
        var baseline = new Option<string?>("--baseline") { Description = "The untouched backbone, scored on the same tokens; prints the ratio." };
        var window = new Option<int>("--window") { Description = "Tokens per scored window (capped at the model's context).", DefaultValueFactory = _ => 512 }.InRange(2, 1_000_000);
        var maxTokens = new Option<int>("--max-tokens") { Description = "Score at most this many tokens from the start of the file.", DefaultValueFactory = _ => 1_000_000 }.InRange(2, int.MaxValue);
        var threads = new Option<int?>("--threads") { Description = "LibTorch intra-op threads." };
        var dtype = CommonOptions.DType();
        var json = CommonOptions.Json();
        var command = new Command("text-ppl", "Perplexity of the text stream on held-out text, optionally against the untouched backbone.")
            { model, text, baseline, window, maxTokens, threads, dtype, json };
        command.SetAction((parse, ct) =>
        {
            if (parse.GetValue(threads) is { } t) TorchSharp.torch.set_num_threads(Math.Clamp(t, 1, 1024));
            var scalar = CommonOptions.ToScalarType(parse.GetValue(dtype)!);
            string textPath = parse.GetValue(text)!;
            using var subject = TextStreamModel.Load(parse.GetValue(model)!, scalar);
            int[] tokens = TextTokens.Read(textPath, subject.Tokenizer, parse.GetValue(maxTokens), ct);
            var score = subject.Perplexity(tokens, parse.GetValue(window), ct);
            PerplexityResult? reference = null;
            if (parse.GetValue(baseline) is { } baselinePath)
            {
                using var basis = TextStreamModel.Load(baselinePath, scalar);
                if (basis.TokenizerFingerprint != subject.TokenizerFingerprint)
                    throw Michi.InvalidInputException.ForFile(basis.Directory, "has another tokenizer than --model: their perplexities are not comparable");
                reference = basis.Perplexity(tokens, parse.GetValue(window), ct);
            }
            var output = parse.InvocationConfiguration.Output;
            if (parse.GetValue(json))
                JsonOutput.Write(output, new
                {
                    ppl = score.Perplexity, mean_nll = score.MeanNll, tokens = score.Tokens, model_kind = subject.Kind,
                    baseline_ppl = reference?.Perplexity, baseline_mean_nll = reference?.MeanNll,
                    ratio = reference is null ? (double?)null : score.Perplexity / reference.Perplexity,
                });
            else
            {
                output.WriteLine($"model:     {subject.Directory} ({subject.Kind})");
                output.WriteLine($"ppl:       {score.Perplexity:0.000} (mean NLL {score.MeanNll:0.0000} nats over {score.Tokens:N0} tokens)");
                if (reference is not null)
                {
                    output.WriteLine($"baseline:  {reference.Perplexity:0.000} (mean NLL {reference.MeanNll:0.0000})");
                    output.WriteLine($"ratio:     {score.Perplexity / reference.Perplexity:0.0000} (model / baseline; 1 = no coherence lost)");
                }
            }
            return Task.FromResult(CliRunner.ExitOk);
        });
        return command;
    }
}
