// Reads a Hugging Face tokenizer.json that describes a byte-level BPE tokenizer (GPT-2, SmolLM,
// SmolLM2, Llama 3 style) into plain data, validating every part we rely on. Anything this code
// would silently get wrong is refused instead: other model types (WordPiece, Unigram), byte
// fallback (SentencePiece-style BPE), normalizers, subword prefixes/suffixes, and decoders or
// post-processors other than ByteLevel / TemplateProcessing.
// Merges come in two spellings: "a b" (tokenizers < 0.20) and ["a", "b"] (newer).
// Reference: huggingface/tokenizers tokenizer/serialization.rs, models/bpe/serialization.rs,
// processors/template.rs.
using System.Text.Json;

namespace Michi.Model.Text;

/// <summary>A token matched in raw text before pre-tokenization ("<|im_start|>").</summary>
internal sealed record AddedToken(int Id, string Content, bool Special);

internal sealed record TokenizerJson(
    Dictionary<string, int> Vocab,
    List<string> Merges,
    List<AddedToken> AddedTokens,
    PreTokenizer PreTokenizer,
    int[] SinglePrefixIds,
    int[] SingleSuffixIds,
    bool IgnoreMerges,
    string? UnknownToken)
{
    public const string FileName = "tokenizer.json";

    /// <summary>Real tokenizer.json files are 2–20 MB; far larger is not one.</summary>
    private const long MaxBytes = 200_000_000;

    public static TokenizerJson Load(string path)
    {
        using var doc = JsonRead.Document(path, MaxBytes);
        var root = doc.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
            throw InvalidInputException.ForFile(path, $"must be a JSON object, found {root.ValueKind}");

        if (root.TryGetProperty("normalizer", out var normalizer) && normalizer.ValueKind != JsonValueKind.Null)
            throw InvalidInputException.ForFile(path, "normalizers are not supported (byte-level BPE tokenizers have none)");
        if (!root.TryGetProperty("model", out var model) || model.ValueKind != JsonValueKind.Object)
            throw InvalidInputException.ForFile(path, "\"model\" must be an object");

        var (vocab, merges, ignoreMerges, unk) = ParseModel(path, model);
        var added = ParseAddedTokens(path, root);
        root.TryGetProperty("pre_tokenizer", out var pre);
        if (!DeclaresByteLevel(pre))
            throw InvalidInputException.ForFile(path, "pre_tokenizer has no ByteLevel step: not a byte-level BPE tokenizer");
        var preTokenizer = PreTokenizer.Parse(path, pre);
        CheckDecoder(path, root);

        var tokenIds = new Dictionary<string, int>(vocab, StringComparer.Ordinal);
        foreach (var a in added) tokenIds[a.Content] = a.Id;
        var (prefix, suffix) = ParsePostProcessor(path, root.TryGetProperty("post_processor", out var post) ? post : default, tokenIds);
        return new TokenizerJson(vocab, merges, added, preTokenizer, prefix, suffix, ignoreMerges, unk);
    }

    private static (Dictionary<string, int>, List<string>, bool, string?) ParseModel(string path, JsonElement model)
    {
        string? type = JsonRead.OptionalString(path, model, "type", "model");
        if (type is not null and not "BPE")
            throw InvalidInputException.ForFile(path, $"model.type \"{type}\" is not supported (only BPE)");
        if (JsonRead.OptionalBool(path, model, "byte_fallback", false))
            throw InvalidInputException.ForFile(path, "model.byte_fallback is true: SentencePiece-style BPE is not supported");
        foreach (string affix in new[] { "continuing_subword_prefix", "end_of_word_suffix" })
        {
            if (!string.IsNullOrEmpty(JsonRead.OptionalString(path, model, affix, "model")))
                throw InvalidInputException.ForFile(path, $"model.{affix} is set: not a byte-level BPE tokenizer");
        }

        if (!model.TryGetProperty("vocab", out var vocabNode) || vocabNode.ValueKind != JsonValueKind.Object)
            throw InvalidInputException.ForFile(path, "model.vocab must be an object of token → id");
        var vocab = new Dictionary<string, int>(StringComparer.Ordinal);
        var seen = new Dictionary<int, string>();
        foreach (var item in vocabNode.EnumerateObject())
        {
            int id = JsonRead.Int(path, item.Value, $"model.vocab[\"{item.Name}\"]");
            if (id < 0) throw InvalidInputException.ForFile(path, $"model.vocab[\"{item.Name}\"] is negative ({id})");
            if (seen.TryGetValue(id, out string? other))
                throw InvalidInputException.ForFile(path, $"model.vocab gives id {id} to both \"{other}\" and \"{item.Name}\"");
            seen[id] = item.Name;
            vocab[item.Name] = id;
        }
        if (vocab.Count == 0) throw InvalidInputException.ForFile(path, "model.vocab is empty");

        var merges = new List<string>();
        int index = 0;
        foreach (var m in JsonRead.Array(path, model, "merges", "model"))
        {
            string? left, right;
            if (m.ValueKind == JsonValueKind.String)
            {
                string[] parts = m.GetString()!.Split(' ');
                (left, right) = parts.Length == 2 ? (parts[0], parts[1]) : (null, null);
            }
            else if (m.ValueKind == JsonValueKind.Array && m.GetArrayLength() == 2
                     && m[0].ValueKind == JsonValueKind.String && m[1].ValueKind == JsonValueKind.String)
                (left, right) = (m[0].GetString(), m[1].GetString());
            else
                (left, right) = (null, null);
            // Byte-level tokens never hold a space (it is spelled "Ġ"), so "a b" is unambiguous.
            if (string.IsNullOrEmpty(left) || string.IsNullOrEmpty(right) || left.Contains(' ') || right.Contains(' '))
                throw InvalidInputException.ForFile(path, $"model.merges[{index}] must be \"a b\" or [\"a\", \"b\"] with two non-empty space-free parts, found {(m.ValueKind == JsonValueKind.String ? $"\"{m.GetString()}\"" : m.GetRawText())}");
            if (!vocab.ContainsKey(left) || !vocab.ContainsKey(right) || !vocab.ContainsKey(left + right))
                throw InvalidInputException.ForFile(path, $"model.merges[{index}] ({left} {right}) uses a token missing from model.vocab");
            merges.Add(left + " " + right);
            index++;
        }
        bool ignoreMerges = JsonRead.OptionalBool(path, model, "ignore_merges", false);
        string? unk = JsonRead.OptionalString(path, model, "unk_token", "model");
        if (unk is not null && !vocab.ContainsKey(unk))
            throw InvalidInputException.ForFile(path, $"model.unk_token \"{unk}\" is not in model.vocab");
        return (vocab, merges, ignoreMerges, unk);
    }

    private static List<AddedToken> ParseAddedTokens(string path, JsonElement root)
    {
        var added = new List<AddedToken>();
        if (!root.TryGetProperty("added_tokens", out var node) || node.ValueKind == JsonValueKind.Null) return added;
        if (node.ValueKind != JsonValueKind.Array)
            throw InvalidInputException.ForFile(path, "added_tokens must be an array");
        int i = 0;
        foreach (var t in node.EnumerateArray())
        {
            if (t.ValueKind != JsonValueKind.Object)
                throw InvalidInputException.ForFile(path, $"added_tokens[{i}] must be an object");
            if (!t.TryGetProperty("id", out var idNode))
                throw InvalidInputException.ForFile(path, $"added_tokens[{i}].id is missing");
            int id = JsonRead.Int(path, idNode, $"added_tokens[{i}].id");
            if (id < 0) throw InvalidInputException.ForFile(path, $"added_tokens[{i}].id is negative ({id})");
            string content = JsonRead.String(path, t, "content", $"added_tokens[{i}]");
            if (content.Length == 0) throw InvalidInputException.ForFile(path, $"added_tokens[{i}].content is empty");
            added.Add(new AddedToken(id, content, JsonRead.OptionalBool(path, t, "special", false)));
            i++;
        }
        return added;
    }

    private static bool DeclaresByteLevel(JsonElement node)
    {
        if (node.ValueKind != JsonValueKind.Object) return false;
        if (node.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String && type.GetString() == "ByteLevel")
            return true;
        return node.TryGetProperty("pretokenizers", out var list) && list.ValueKind == JsonValueKind.Array
            && list.EnumerateArray().Any(DeclaresByteLevel);
    }

    private static void CheckDecoder(string path, JsonElement root)
    {
        if (!root.TryGetProperty("decoder", out var d) || d.ValueKind == JsonValueKind.Null) return;
        string? type = d.ValueKind == JsonValueKind.Object ? JsonRead.OptionalString(path, d, "type", "decoder") : null;
        if (type != "ByteLevel")
            throw InvalidInputException.ForFile(path, $"decoder must be ByteLevel, found {(type is null ? d.ValueKind.ToString() : $"\"{type}\"")}");
    }

    /// <summary>The ids a post-processor puts before and after a single sequence when special
    /// tokens are asked for. ByteLevel adds none; TemplateProcessing's "single" says which.</summary>
    private static (int[] Prefix, int[] Suffix) ParsePostProcessor(string path, JsonElement node, Dictionary<string, int> tokenIds)
    {
        if (node.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null) return ([], []);
        if (node.ValueKind != JsonValueKind.Object) throw InvalidInputException.ForFile(path, "post_processor must be an object");
        string type = JsonRead.String(path, node, "type", "post_processor");
        switch (type)
        {
            case "ByteLevel":
                return ([], []);
            case "Sequence":
                var prefix = new List<int>();
                var suffix = new List<int>();
                foreach (var p in JsonRead.Array(path, node, "processors", "post_processor"))
                {
                    var (a, b) = ParsePostProcessor(path, p, tokenIds);
                    prefix.AddRange(a);
                    suffix.InsertRange(0, b);
                }
                return (prefix.ToArray(), suffix.ToArray());
            case "TemplateProcessing":
                return ParseTemplate(path, node, tokenIds);
            default:
                throw InvalidInputException.ForFile(path, $"post_processor type \"{type}\" is not supported (ByteLevel, TemplateProcessing, Sequence)");
        }
    }

    private static (int[], int[]) ParseTemplate(string path, JsonElement node, Dictionary<string, int> tokenIds)
    {
        var prefix = new List<int>();
        var suffix = new List<int>();
        bool afterSequence = false;
        foreach (var piece in JsonRead.Array(path, node, "single", "post_processor"))
        {
            if (piece.ValueKind == JsonValueKind.Object && piece.TryGetProperty("Sequence", out _))
            {
                afterSequence = true;
                continue;
            }
            if (piece.ValueKind != JsonValueKind.Object || !piece.TryGetProperty("SpecialToken", out var special)
                || special.ValueKind != JsonValueKind.Object)
                throw InvalidInputException.ForFile(path, $"post_processor.single holds an unknown piece {piece.GetRawText()}");
            string name = JsonRead.String(path, special, "id", "post_processor.single[].SpecialToken");
            int[] ids = SpecialTokenIds(path, node, name, tokenIds);
            (afterSequence ? suffix : prefix).AddRange(ids);
        }
        return (prefix.ToArray(), suffix.ToArray());
    }

    private static int[] SpecialTokenIds(string path, JsonElement template, string name, Dictionary<string, int> tokenIds)
    {
        if (template.TryGetProperty("special_tokens", out var table) && table.ValueKind == JsonValueKind.Object
            && table.TryGetProperty(name, out var entry) && entry.ValueKind == JsonValueKind.Object
            && entry.TryGetProperty("ids", out var ids) && ids.ValueKind == JsonValueKind.Array)
            return ids.EnumerateArray().Select(i => JsonRead.Int(path, i, $"post_processor.special_tokens[\"{name}\"].ids[]")).ToArray();
        if (tokenIds.TryGetValue(name, out int id)) return [id];
        throw InvalidInputException.ForFile(path, $"post_processor names special token \"{name}\" that the vocabulary lacks");
    }
}
