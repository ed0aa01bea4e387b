// Paragraphs of plain text: blocks separated by blank lines, the lines of a block joined with
// spaces (hard-wrapped text and one-paragraph-per-line text both come out right). This is the
// format of Moby-Dick's files and of any raw folder Michi has no specific reader for, so a user
// can drop their own .txt files into data/text/raw/NAME/.
namespace Michi.Data.Text;

public static class PlainTextReader
{
    public static IEnumerable<string> Paragraphs(string text)
    {
        var block = new List<string>();
        foreach (string raw in text.Split('\n'))
        {
            string line = raw.TrimEnd('\r');
            if (line.Trim().Length == 0)
            {
                if (block.Count > 0) { yield return string.Join(' ', block); block.Clear(); }
                continue;
            }
            block.Add(line.Trim());
        }
        if (block.Count > 0) yield return string.Join(' ', block);
    }
}
