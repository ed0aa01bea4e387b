// A text file as one stream of token ids, the way the text trainer and the perplexity
// evaluation read it: every line (a sentence or paragraph of the corpus, see docs/data.md) is
// tokenised with its newline, and the lines follow each other, so the stream is the tokenised
// file. No BOS/EOS is inserted: the corpus has no document boundaries to mark.
// Bad input (missing file, a file without any text) is an InvalidInputException naming it.
using Michi.Model.Text;

namespace Michi.Training.Text;

public static class TextTokens
{
    /// <summary>The token ids of <paramref name="path"/>, at most <paramref name="maxTokens"/> of them.</summary>
    public static int[] Read(string path, TextTokenizer tokenizer, long maxTokens = long.MaxValue, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(tokenizer);
        if (!File.Exists(path)) throw InvalidInputException.ForFile(path, Directory.Exists(path) ? "is a directory, not a text file" : "file not found");
        var ids = new List<int>();
        int lineNumber = 0;
        foreach (string line in File.ReadLines(path))
        {
            if (++lineNumber % 4096 == 0) ct.ThrowIfCancellationRequested();
            if (line.Length == 0) continue;
            ids.AddRange(tokenizer.Encode(line + "\n"));
            if (ids.Count >= maxTokens) break;
        }
        if (ids.Count < 2) throw InvalidInputException.ForFile(path, ids.Count == 0 ? "holds no text" : "holds a single token: too little text");
        return ids.Count > maxTokens ? ids.GetRange(0, (int)maxTokens).ToArray() : ids.ToArray();
    }

    /// <summary>Fills <paramref name="windows"/> (B·(L+1)) with B random windows of L + 1 consecutive
    /// tokens of <paramref name="tokens"/> (the inputs and, shifted by one, the targets).</summary>
    public static void SampleWindows(int[] tokens, TrainingRandom random, long[] windows, int batch, int length)
    {
        if (tokens.Length < length + 1)
            throw new InvalidInputException($"the text has {tokens.Length} tokens, fewer than one training window of {length + 1}");
        for (int b = 0; b < batch; b++)
        {
            long start = random.NextInt64(tokens.Length - length);
            for (int i = 0; i <= length; i++) windows[b * (length + 1) + i] = tokens[start + i];
        }
    }
}
