// Turns a stream of token ids into text pieces as they arrive. A byte-level BPE token can end
// in the middle of a UTF-8 character (emoji and CJK are often split over several tokens), so
// bytes are held back until the character is complete; the concatenated pieces equal
// TextTokenizer.Decode of all ids once Flush has been called.
using System.Text;

namespace Michi.Model.Text;

public sealed class StreamingTextDecoder(TextTokenizer tokenizer, bool skipSpecial = false)
{
    private readonly List<byte> _pending = [];

    /// <summary>Adds one id and returns the text completed by it (often "", never a broken character).</summary>
    public string Push(int id)
    {
        if (tokenizer.TokenBytes(id, skipSpecial) is not { } bytes) return "";
        _pending.AddRange(bytes);
        int complete = CompleteLength(_pending);
        if (complete == 0) return "";
        string text = Encoding.UTF8.GetString(_pending.GetRange(0, complete).ToArray());
        _pending.RemoveRange(0, complete);
        return text;
    }

    /// <summary>Whatever is still held back, decoded with replacement characters.</summary>
    public string Flush()
    {
        string text = Encoding.UTF8.GetString(_pending.ToArray());
        _pending.Clear();
        return text;
    }

    /// <summary>Length of the prefix that does not end inside an unfinished UTF-8 sequence.</summary>
    internal static int CompleteLength(List<byte> bytes)
    {
        // A sequence is at most 4 bytes: look back at most 3 for its lead byte.
        for (int back = 1; back <= Math.Min(4, bytes.Count); back++)
        {
            byte b = bytes[bytes.Count - back];
            if ((b & 0xC0) == 0x80) continue; // continuation byte
            int need = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1;
            return need > back ? bytes.Count - back : bytes.Count;
        }
        return bytes.Count; // only continuation bytes: invalid anyway, let the decoder replace them
    }
}
