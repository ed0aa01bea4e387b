// GPT-2's byte-level alphabet: every byte 0..255 is given a printable Unicode character so that
// byte-level BPE vocabularies are plain strings ("Ġ" is the space byte 0x20, "Ċ" is '\n').
// Printable Latin-1 bytes map to themselves; the other 68 bytes map to U+0100.. in byte order.
// Reference: openai/gpt-2 encoder.py bytes_to_unicode; Hugging Face tokenizers
// pre_tokenizers/byte_level.rs (the decoder falls back to a token's own UTF-8 bytes when one of
// its characters is outside the alphabet, which is how added tokens such as "<|im_end|>" decode).
using System.Text;

namespace Michi.Model.Text;

internal static class ByteLevel
{
    private static readonly char[] ByteToChar = BuildByteToChar();
    private static readonly Dictionary<char, byte> CharToByte = BuildCharToByte(ByteToChar);

    private static char[] BuildByteToChar()
    {
        var map = new char[256];
        int next = 0;
        for (int b = 0; b < 256; b++)
        {
            bool printable = b is >= '!' and <= '~' or >= 0xA1 and <= 0xAC or >= 0xAE and <= 0xFF;
            map[b] = printable ? (char)b : (char)(256 + next++);
        }
        return map;
    }

    private static Dictionary<char, byte> BuildCharToByte(char[] byteToChar)
    {
        var map = new Dictionary<char, byte>(256);
        for (int b = 0; b < 256; b++) map[byteToChar[b]] = (byte)b;
        return map;
    }

    /// <summary>The byte-level spelling of a piece of text (its UTF-8 bytes, one char each).</summary>
    public static string Encode(string text)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(text);
        var chars = new char[bytes.Length];
        for (int i = 0; i < bytes.Length; i++) chars[i] = ByteToChar[bytes[i]];
        return new string(chars);
    }

    /// <summary>The bytes a vocabulary token stands for; a token with any character outside the
    /// alphabet stands for its own UTF-8 bytes (Hugging Face's ByteLevel decoder does the same).</summary>
    public static byte[] TokenBytes(string token)
    {
        var bytes = new byte[token.Length];
        for (int i = 0; i < token.Length; i++)
        {
            if (!CharToByte.TryGetValue(token[i], out bytes[i])) return Encoding.UTF8.GetBytes(token);
        }
        return bytes;
    }
}
