// The Hugging Face pre-tokenizers a byte-level BPE tokenizer.json can declare, applied in the
// declared order to split text into words before BPE. Each step refines every current piece
// (so in SmolLM's Sequence[Digits(individual), ByteLevel] "in 2026" becomes "in", " ", "2",
// "0", "2", "6": the space before a digit is its own word, exactly as the Rust library does).
// Supported: Sequence, Digits, ByteLevel (use_regex, add_prefix_space — applied per piece, as
// the Rust code does), Split (String or Regex pattern, all five behaviours, invert).
// The GPT-2 word regex runs on .NET's UTF-16 regex engine: letters outside the Basic
// Multilingual Plane are classed as symbols, not letters (the Rust engine sees code points).
// Reference: huggingface/tokenizers pre_tokenizers/{sequence,digits,byte_level,split}.rs and
// normalizer.rs SplitDelimiterBehavior.
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Michi.Model.Text;

internal abstract partial class PreTokenizer
{
    /// <summary>Splits one piece of text into its words (non-empty strings).</summary>
    public abstract void Split(string piece, List<string> output);

    public List<string> Apply(string text)
    {
        var output = new List<string>();
        if (text.Length > 0) Split(text, output);
        return output;
    }

    /// <summary>GPT-2's word pattern (ByteLevel with use_regex).</summary>
    [GeneratedRegex(@"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+")]
    private static partial Regex Gpt2Words();

    /// <summary>Builds the pre-tokenizer a tokenizer.json node declares; null and JSON null mean none.</summary>
    public static PreTokenizer Parse(string path, JsonElement? node)
    {
        if (node is null || node.Value.ValueKind == JsonValueKind.Null) return new Identity();
        var n = node.Value;
        if (n.ValueKind != JsonValueKind.Object)
            throw InvalidInputException.ForFile(path, $"pre_tokenizer must be an object, found {n.ValueKind}");
        string type = JsonRead.String(path, n, "type", "pre_tokenizer");
        switch (type)
        {
            case "Sequence":
                var steps = JsonRead.Array(path, n, "pretokenizers", "pre_tokenizer").Select(e => Parse(path, e)).ToArray();
                return new Sequence(steps);
            case "Digits":
                bool individual = JsonRead.OptionalBool(path, n, "individual_digits", false);
                return new RegexSplit(new Regex(individual ? @"\p{N}" : @"\p{N}+"), individual ? Behavior.Isolated : Behavior.Contiguous, false);
            case "ByteLevel":
                return new ByteLevelWords(JsonRead.OptionalBool(path, n, "add_prefix_space", true), JsonRead.OptionalBool(path, n, "use_regex", true));
            case "Split":
                return ParseSplit(path, n);
            default:
                throw InvalidInputException.ForFile(path, $"pre_tokenizer type \"{type}\" is not supported (byte-level BPE with Sequence, Digits, ByteLevel, Split)");
        }
    }

    private static RegexSplit ParseSplit(string path, JsonElement n)
    {
        if (!n.TryGetProperty("pattern", out var pattern) || pattern.ValueKind != JsonValueKind.Object)
            throw InvalidInputException.ForFile(path, "Split pre_tokenizer needs a \"pattern\" object");
        Regex regex;
        if (pattern.TryGetProperty("Regex", out var r) && r.ValueKind == JsonValueKind.String)
        {
            try { regex = new Regex(r.GetString()!, RegexOptions.None, TimeSpan.FromSeconds(5)); }
            catch (ArgumentException e) { throw InvalidInputException.ForFile(path, $"Split pattern is not a valid regex ({e.Message})"); }
        }
        else if (pattern.TryGetProperty("String", out var s) && s.ValueKind == JsonValueKind.String && s.GetString()!.Length > 0)
            regex = new Regex(Regex.Escape(s.GetString()!));
        else
            throw InvalidInputException.ForFile(path, "Split pattern must be {\"Regex\": ...} or a non-empty {\"String\": ...}");
        string behaviorName = JsonRead.String(path, n, "behavior", "Split pre_tokenizer");
        if (!Enum.TryParse<Behavior>(behaviorName, ignoreCase: false, out var behavior))
            throw InvalidInputException.ForFile(path, $"Split behavior \"{behaviorName}\" is unknown");
        return new RegexSplit(regex, behavior, JsonRead.OptionalBool(path, n, "invert", false));
    }

    /// <summary>What happens to the matched delimiters (Hugging Face SplitDelimiterBehavior).</summary>
    internal enum Behavior { Removed, Isolated, MergedWithPrevious, MergedWithNext, Contiguous }

    private sealed class Identity : PreTokenizer
    {
        public override void Split(string piece, List<string> output) => output.Add(piece);
    }

    private sealed class Sequence(PreTokenizer[] steps) : PreTokenizer
    {
        public override void Split(string piece, List<string> output)
        {
            var current = new List<string> { piece };
            var next = new List<string>();
            foreach (var step in steps)
            {
                next.Clear();
                foreach (string p in current) step.Split(p, next);
                (current, next) = (next, current);
            }
            output.AddRange(current);
        }
    }

    private sealed class ByteLevelWords(bool addPrefixSpace, bool useRegex) : PreTokenizer
    {
        private readonly RegexSplit _words = new(Gpt2Words(), Behavior.Isolated, false);

        public override void Split(string piece, List<string> output)
        {
            if (addPrefixSpace && !piece.StartsWith(' ')) piece = " " + piece;
            if (useRegex) _words.Split(piece, output);
            else output.Add(piece);
        }
    }

    private sealed class RegexSplit(Regex regex, Behavior behavior, bool invert) : PreTokenizer
    {
        public override void Split(string piece, List<string> output)
        {
            // Segments alternate between matched and unmatched text; invert swaps which is the delimiter.
            var segments = new List<(int Start, int Length, bool Delimiter)>();
            int at = 0;
            foreach (var m in regex.EnumerateMatches(piece))
            {
                if (m.Length == 0) continue;
                if (m.Index > at) segments.Add((at, m.Index - at, invert));
                segments.Add((m.Index, m.Length, !invert));
                at = m.Index + m.Length;
            }
            if (at < piece.Length) segments.Add((at, piece.Length - at, invert));

            int pendingStart = -1; // start of text waiting to be merged into the next piece
            int previous = -1;     // output index of the last piece emitted by this call
            for (int i = 0; i < segments.Count; i++)
            {
                var (start, length, delimiter) = segments[i];
                if (!delimiter)
                {
                    int s = pendingStart >= 0 ? pendingStart : start;
                    output.Add(piece.Substring(s, start + length - s));
                    previous = output.Count - 1;
                    pendingStart = -1;
                    continue;
                }
                switch (behavior)
                {
                    case Behavior.Removed:
                        break;
                    case Behavior.Isolated:
                        output.Add(piece.Substring(start, length));
                        previous = output.Count - 1;
                        break;
                    case Behavior.Contiguous:
                        int end = start + length;
                        while (i + 1 < segments.Count && segments[i + 1].Delimiter && segments[i + 1].Start == end)
                            end += segments[++i].Length;
                        output.Add(piece.Substring(start, end - start));
                        previous = output.Count - 1;
                        break;
                    case Behavior.MergedWithPrevious:
                        if (previous >= 0 && pendingStart < 0) output[previous] += piece.Substring(start, length);
                        else { output.Add(piece.Substring(start, length)); previous = output.Count - 1; }
                        break;
                    case Behavior.MergedWithNext:
                        if (pendingStart < 0) pendingStart = start;
                        break;
                }
            }
            if (pendingStart >= 0) output.Add(piece.Substring(pendingStart));
        }
    }
}
