// The text tokenizer of a Hugging Face model directory: tokenizer.json (byte-level BPE) plus
// tokenizer_config.json for the bos/eos/pad/unk names. Encoding follows the Rust tokenizers
// library step by step: added tokens are cut out of the raw text first (leftmost, longest
// match), every other span goes through the declared pre-tokenizer sequence, each word is
// spelled in the byte-level alphabet and merged by BPE; a post-processor template adds
// bos/eos only when asked (SmolLM's ByteLevel post-processor adds none).
// BPE merging is Microsoft.ML.Tokenizers' BpeTokenizer, fed one pre-spelled word at a time.
// Chosen over Tokenizers.DotNet (the Rust library through P/Invoke): managed code cannot take
// the process down with a native panic on a hostile file, needs no native binary per platform,
// and everything around the merge loop — reading tokenizer.json, pre-tokenization, added
// tokens, decoding — is ours, so what is and is not supported is explicit and validated.
// Decoding is Hugging Face's ByteLevel decoder: the bytes of every token, then UTF-8 with
// replacement characters for invalid sequences. Ids outside the vocabulary are skipped, as
// the Rust library does.
using System.Text;
using System.Text.Json;
using Microsoft.ML.Tokenizers;

namespace Michi.Model.Text;

public sealed class TextTokenizer
{
    public const string ConfigFileName = "tokenizer_config.json";

    private readonly Dictionary<string, int> _tokenToId;
    private readonly string?[] _idToToken;
    private readonly byte[]?[] _idBytes;
    private readonly bool[] _special;
    private readonly Dictionary<char, AddedToken[]> _addedByFirstChar;
    private readonly PreTokenizer _preTokenizer;
    private readonly BpeTokenizer _bpe;
    private readonly Dictionary<string, int> _vocab;
    private readonly bool _ignoreMerges;
    private readonly int[] _prefixIds;
    private readonly int[] _suffixIds;

    private TextTokenizer(TokenizerJson spec, SpecialTokenNames names, string configPath)
    {
        _vocab = spec.Vocab;
        _ignoreMerges = spec.IgnoreMerges;
        _preTokenizer = spec.PreTokenizer;
        _prefixIds = spec.SinglePrefixIds;
        _suffixIds = spec.SingleSuffixIds;
        _tokenToId = new Dictionary<string, int>(spec.Vocab, StringComparer.Ordinal);
        foreach (var a in spec.AddedTokens) _tokenToId[a.Content] = a.Id;

        VocabSize = _tokenToId.Values.Max() + 1;
        _idToToken = new string?[VocabSize];
        _idBytes = new byte[]?[VocabSize];
        _special = new bool[VocabSize];
        foreach (var (token, id) in spec.Vocab) _idToToken[id] = token;
        foreach (var a in spec.AddedTokens)
        {
            _idToToken[a.Id] = a.Content;
            _special[a.Id] = a.Special;
        }
        for (int id = 0; id < VocabSize; id++)
            if (_idToToken[id] is { } t) _idBytes[id] = ByteLevel.TokenBytes(t);

        // Longest first, so that at one position the longest added token wins.
        _addedByFirstChar = spec.AddedTokens
            .GroupBy(a => a.Content[0])
            .ToDictionary(g => g.Key, g => g.OrderByDescending(a => a.Content.Length).ToArray());

        // Words arrive already spelled in the byte-level alphabet, so ByteLevel stays off here
        // and the pre-tokenizer is bypassed (considerPreTokenization: false in Encode).
        _bpe = BpeTokenizer.Create(new BpeOptions(spec.Vocab)
        {
            Merges = spec.Merges,
            UnknownToken = spec.UnknownToken,
        });

        BosId = Resolve(names.Bos, "bos_token", configPath);
        EosId = Resolve(names.Eos, "eos_token", configPath);
        PadId = Resolve(names.Pad, "pad_token", configPath);
        ImStartId = TokenToId(ChatTemplate.ImStart);
        ImEndId = TokenToId(ChatTemplate.ImEnd);
    }

    /// <summary>Loads tokenizer.json (required) and tokenizer_config.json (optional) from a model
    /// directory, or from the tokenizer.json path itself.</summary>
    public static TextTokenizer Load(string directoryOrFile)
    {
        ArgumentNullException.ThrowIfNull(directoryOrFile);
        string dir = File.Exists(directoryOrFile) ? Path.GetDirectoryName(Path.GetFullPath(directoryOrFile))! : directoryOrFile;
        string jsonPath = File.Exists(directoryOrFile) ? directoryOrFile : Path.Combine(dir, TokenizerJson.FileName);
        if (!Directory.Exists(dir)) throw InvalidInputException.ForFile(directoryOrFile, "directory not found");
        var spec = TokenizerJson.Load(jsonPath);
        string configPath = Path.Combine(dir, ConfigFileName);
        var names = File.Exists(configPath) ? SpecialTokenNames.Load(configPath) : new SpecialTokenNames(null, null, null);
        try
        {
            return new TextTokenizer(spec, names, configPath);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or FormatException)
        {
            throw InvalidInputException.ForFile(jsonPath, $"BPE tables refused ({e.Message})");
        }
    }

    /// <summary>One more than the largest token id (vocabulary and added tokens).</summary>
    public int VocabSize { get; }

    public int? BosId { get; }
    public int? EosId { get; }
    public int? PadId { get; }

    /// <summary>ChatML's "&lt;|im_start|&gt;" / "&lt;|im_end|&gt;", when the vocabulary has them.</summary>
    public int? ImStartId { get; }
    public int? ImEndId { get; }

    /// <summary>Ids put before / after the text when special tokens are asked for.</summary>
    public IReadOnlyList<int> PrefixIds => _prefixIds;
    public IReadOnlyList<int> SuffixIds => _suffixIds;

    public int? TokenToId(string token) => _tokenToId.TryGetValue(token, out int id) ? id : null;

    /// <summary>The vocabulary spelling of an id (byte-level alphabet: " the" is "Ġthe").</summary>
    public string? IdToToken(int id) => (uint)id < (uint)VocabSize ? _idToToken[id] : null;

    /// <summary>True for added tokens marked special (skipped by Decode(skipSpecial: true)).</summary>
    public bool IsSpecial(int id) => (uint)id < (uint)VocabSize && _special[id];

    public int[] Encode(string text, bool addSpecialTokens = false)
    {
        ArgumentNullException.ThrowIfNull(text);
        var ids = new List<int>(text.Length / 3 + 4);
        if (addSpecialTokens) ids.AddRange(_prefixIds);
        int plainStart = 0;
        for (int i = 0; i < text.Length;)
        {
            var match = MatchAddedToken(text, i);
            if (match is null)
            {
                i++;
                continue;
            }
            EncodePlain(text[plainStart..i], ids);
            ids.Add(match.Id);
            i += match.Content.Length;
            plainStart = i;
        }
        EncodePlain(text[plainStart..], ids);
        if (addSpecialTokens) ids.AddRange(_suffixIds);
        return ids.ToArray();
    }

    public string Decode(IEnumerable<int> ids, bool skipSpecial = false)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var bytes = new List<byte>();
        foreach (int id in ids)
            if (TokenBytes(id, skipSpecial) is { } b) bytes.AddRange(b);
        return Encoding.UTF8.GetString(bytes.ToArray());
    }

    /// <summary>ChatML text for the messages (<see cref="ChatTemplate"/>); encode it with Encode.</summary>
    public string ApplyChatTemplate(IEnumerable<ChatMessage> messages, bool addGenerationPrompt)
    {
        if (ImStartId is null || ImEndId is null)
            throw new InvalidInputException($"tokenizer has no {ChatTemplate.ImStart} / {ChatTemplate.ImEnd} tokens: not a ChatML (instruct) model");
        return ChatTemplate.Format(messages, addGenerationPrompt);
    }

    /// <summary>The bytes an id decodes to, or null when it decodes to nothing.</summary>
    internal byte[]? TokenBytes(int id, bool skipSpecial) =>
        (uint)id >= (uint)VocabSize || (skipSpecial && _special[id]) ? null : _idBytes[id];

    private AddedToken? MatchAddedToken(string text, int at)
    {
        if (!_addedByFirstChar.TryGetValue(text[at], out var candidates)) return null;
        foreach (var a in candidates)
            if (at + a.Content.Length <= text.Length && string.CompareOrdinal(text, at, a.Content, 0, a.Content.Length) == 0)
                return a;
        return null;
    }

    private void EncodePlain(string span, List<int> ids)
    {
        if (span.Length == 0) return;
        foreach (string word in _preTokenizer.Apply(span))
        {
            string spelled = ByteLevel.Encode(word);
            if (_ignoreMerges && _vocab.TryGetValue(spelled, out int whole))
            {
                ids.Add(whole);
                continue;
            }
            ids.AddRange(_bpe.EncodeToIds(spelled, considerPreTokenization: false, considerNormalization: false));
        }
    }

    private int? Resolve(string? token, string field, string configPath)
    {
        if (token is null) return null;
        return TokenToId(token) ?? throw InvalidInputException.ForFile(configPath, $"{field} \"{token}\" is not in the vocabulary");
    }

    /// <summary>The special token strings tokenizer_config.json names (plain strings or
    /// {"content": ...} objects, as transformers writes AddedToken).</summary>
    private sealed record SpecialTokenNames(string? Bos, string? Eos, string? Pad)
    {
        public static SpecialTokenNames Load(string path)
        {
            using var doc = JsonRead.Document(path, 50_000_000);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                throw InvalidInputException.ForFile(path, $"must be a JSON object, found {root.ValueKind}");
            return new SpecialTokenNames(Name(path, root, "bos_token"), Name(path, root, "eos_token"), Name(path, root, "pad_token"));
        }

        private static string? Name(string path, JsonElement root, string field)
        {
            if (!root.TryGetProperty(field, out var v) || v.ValueKind == JsonValueKind.Null) return null;
            if (v.ValueKind == JsonValueKind.String) return v.GetString();
            if (v.ValueKind == JsonValueKind.Object) return JsonRead.String(path, v, "content", field);
            throw InvalidInputException.ForFile(path, $"{field} must be a string or an object with \"content\", found {v.ValueKind}");
        }
    }
}
