// Reads one raw source file as text, or says in one line why it cannot: larger than MaxBytes
// (never read into memory), unreadable, binary (NUL bytes), or not UTF-8 (more than one invalid
// byte in a thousand). A file with a few invalid bytes is kept: each invalid sequence becomes
// U+FFFD, which TextNormalizer turns into a space. A UTF-8 BOM is skipped.
using System.Text;

namespace Michi.Data.Text;

public static class RawTextFile
{
    public const long MaxBytes = 256L << 20;

    /// <summary>The file's text, or null with <paramref name="problem"/> set.</summary>
    public static string? TryRead(string path, out string? problem)
    {
        problem = null;
        byte[] bytes;
        try
        {
            long length = new FileInfo(path).Length;
            if (length > MaxBytes) { problem = $"larger than {MaxBytes >> 20} MiB, skipped"; return null; }
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            problem = $"unreadable ({e.Message.ReplaceLineEndings(" ")})";
            return null;
        }
        if (Array.IndexOf(bytes, (byte)0) >= 0) { problem = "binary file (NUL bytes), skipped"; return null; }
        int offset = bytes.Length >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF ? 3 : 0;
        string text = Encoding.UTF8.GetString(bytes, offset, bytes.Length - offset); // invalid → U+FFFD
        int invalid = text.Count(c => c == '\uFFFD') - CountEncodedReplacementChars(bytes);
        if (invalid > 0 && invalid * 1000L > bytes.Length) { problem = $"not UTF-8 text ({invalid} invalid byte sequences), skipped"; return null; }
        return text;
    }

    // U+FFFD written properly in the file (EF BF BD) is not an invalid byte.
    static int CountEncodedReplacementChars(byte[] b)
    {
        int n = 0;
        for (int i = 0; i + 2 < b.Length; i++)
            if (b[i] == 0xEF && b[i + 1] == 0xBF && b[i + 2] == 0xBD) n++;
        return n;
    }
}
