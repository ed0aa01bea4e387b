// A stand-in tokenizer for inspecting alignments without a model: every distinct whitespace
// word (as written, surrounding space trimmed) is one token, ids in order of first appearance
// from 1, PAD = 0. Real training uses the backbone's tokenizer through the same callback.
namespace Michi.Data.Alignment;

public sealed class WordVocabulary
{
    public const int PadId = 0;
    readonly Dictionary<string, int> _ids = new(StringComparer.Ordinal);
    readonly List<string> _words = ["<pad>"];

    public int[] Encode(string word)
    {
        string w = word.Trim();
        if (w.Length == 0) return [];
        if (!_ids.TryGetValue(w, out int id))
        {
            id = _words.Count;
            _ids[w] = id;
            _words.Add(w);
        }
        return [id];
    }

    public string Decode(int id) => id >= 0 && id < _words.Count ? _words[id] : $"<{id}>";
}

/// <summary>What the frame inspection needs from a tokenizer: encode a word, show a token, the PAD id.</summary>
public sealed record FrameTokenizer(Func<string, int[]> Encode, Func<int, string> Decode, int PadId)
{
    public static FrameTokenizer Words()
    {
        var vocabulary = new WordVocabulary();
        return new FrameTokenizer(vocabulary.Encode, vocabulary.Decode, WordVocabulary.PadId);
    }
}
