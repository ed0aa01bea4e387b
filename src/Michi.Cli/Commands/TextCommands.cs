// `michi text tokenize|score|generate`: the text backbone on its own. These are the contract
// other tools call, so their JSON shapes are fixed: tokenize → {"ids"}, score → {"ids",
// "token_nll","mean_nll"}, generate → {"ids","text"} (generated ids only).
using System.CommandLine;
using Michi.Cli.Infrastructure;
using Michi.Model.Backbone;
using Michi.Model.Text;
using Michi.Runtime;

namespace Michi.Cli.Commands;

public static class TextCommands
{
    public static Command Create()
    {
        var text = new Command("text", "Tokenize, score and generate text with a Hugging Face Llama/SmolLM model.");
        text.Subcommands.Add(CreateTokenize());
        text.Subcommands.Add(CreateScore());
        text.Subcommands.Add(CreateGenerate());
        return text;
    }

    static Option<string> TextOption(string name, string description) => new(name) { Description = description, Required = true };

    static Command CreateTokenize()
    {
        var model = CommonOptions.ModelDir("Model directory holding tokenizer.json (and tokenizer_config.json).");
        var text = TextOption("--text", "Text to tokenize.");
        var special = new Option<bool>("--add-special-tokens") { Description = "Add the tokenizer's BOS/EOS template tokens." };
        var json = CommonOptions.Json();
        var command = new Command("tokenize", "Print the token ids of a text (no special tokens unless asked).") { model, text, special, json };
        command.SetAction(parse =>
        {
            var tokenizer = TextTokenizer.Load(parse.GetValue(model)!);
            int[] ids = tokenizer.Encode(parse.GetValue(text)!, parse.GetValue(special));
            var output = parse.InvocationConfiguration.Output;
            if (parse.GetValue(json)) JsonOutput.Write(output, new { ids });
            else
                foreach (int id in ids)
                    output.WriteLine($"{id}\t{tokenizer.IdToToken(id)}");
            return CliRunner.ExitOk;
        });
        return command;
    }

    static Command CreateScore()
    {
        var model = CommonOptions.ModelDir();
        var text = TextOption("--text", "Text to score (at least two tokens).");
        var dtype = CommonOptions.DType();
        var json = CommonOptions.Json();
        var command = new Command("score", "Negative log-likelihood of each next token given the previous ones.") { model, text, dtype, json };
        command.SetAction((parse, ct) =>
        {
            using var hf = HfModelDirectory.Load(parse.GetValue(model)!, CommonOptions.ToScalarType(parse.GetValue(dtype)!));
            int[] ids = hf.Tokenizer.Encode(parse.GetValue(text)!);
            TextScore score = new TextScorer(hf.Model).Score(ids, ct);
            var output = parse.InvocationConfiguration.Output;
            if (parse.GetValue(json))
                JsonOutput.Write(output, new { ids = score.Ids, token_nll = score.TokenNll, mean_nll = score.MeanNll });
            else
            {
                for (int i = 0; i < score.TokenNll.Count; i++)
                    output.WriteLine($"{score.Ids[i + 1]}\t{hf.Tokenizer.IdToToken(score.Ids[i + 1])}\t{score.TokenNll[i]:F4}");
                output.WriteLine($"mean NLL {score.MeanNll:F4} (perplexity {Math.Exp(score.MeanNll):F2}) over {score.TokenNll.Count} tokens");
            }
            return Task.FromResult(CliRunner.ExitOk);
        });
        return command;
    }

    static Command CreateGenerate()
    {
        var model = CommonOptions.ModelDir();
        var prompt = TextOption("--prompt", "Prompt text.");
        var maxTokens = new Option<int>("--max-tokens") { Description = "Most tokens to generate.", DefaultValueFactory = _ => 64 }.InRange(0, 1_000_000);
        var greedy = new Option<bool>("--greedy") { Description = "Always take the most likely token." };
        var temperature = new Option<double>("--temperature") { Description = "Sampling temperature.", DefaultValueFactory = _ => 1.0 }.InRange(1e-4, 100);
        var topP = new Option<double>("--top-p") { Description = "Nucleus sampling: keep tokens up to this probability mass.", DefaultValueFactory = _ => 1.0 }.InRange(1e-6, 1);
        var topK = new Option<int>("--top-k") { Description = "Keep the k most likely tokens (0 = off).", DefaultValueFactory = _ => 0 }.InRange(0, 10_000_000);
        var penalty = new Option<double>("--repetition-penalty") { Description = "Penalty on tokens already seen (1 = off).", DefaultValueFactory = _ => 1.0 }.InRange(1e-3, 100);
        var seed = new Option<int?>("--seed") { Description = "Random seed, for reproducible sampling." };
        var chat = new Option<bool>("--chat") { Description = "Wrap the prompt as a ChatML user turn (instruct checkpoints)." };
        var dtype = CommonOptions.DType();
        var json = CommonOptions.Json();
        var command = new Command("generate", "Generate a continuation of a prompt, streaming the text as it comes.")
            { model, prompt, maxTokens, greedy, temperature, topP, topK, penalty, seed, chat, dtype, json };
        command.SetAction(async (parse, ct) =>
        {
            using var hf = HfModelDirectory.Load(parse.GetValue(model)!, CommonOptions.ToScalarType(parse.GetValue(dtype)!));
            string promptText = parse.GetValue(prompt)!;
            if (parse.GetValue(chat))
                promptText = hf.Tokenizer.ApplyChatTemplate([new ChatMessage("user", promptText)], addGenerationPrompt: true);
            int[] promptIds = hf.Tokenizer.Encode(promptText);
            var options = new GenerationOptions
            {
                MaxNewTokens = parse.GetValue(maxTokens),
                Greedy = parse.GetValue(greedy),
                Temperature = parse.GetValue(temperature),
                TopP = parse.GetValue(topP),
                TopK = parse.GetValue(topK),
                RepetitionPenalty = parse.GetValue(penalty),
                Seed = parse.GetValue(seed),
                StopTokenIds = hf.StopTokenIds,
            };

            bool asJson = parse.GetValue(json);
            var output = parse.InvocationConfiguration.Output;
            var ids = new List<int>();
            var text = new System.Text.StringBuilder();
            await foreach (var token in new TextGenerator(hf.Model, hf.Tokenizer).GenerateAsync(promptIds, options, ct))
            {
                ids.Add(token.Id);
                text.Append(token.Text);
                if (!asJson) { output.Write(token.Text); output.Flush(); }
            }
            if (asJson) JsonOutput.Write(output, new { ids, text = text.ToString() });
            else output.WriteLine();
            return CliRunner.ExitOk;
        });
        return command;
    }
}
