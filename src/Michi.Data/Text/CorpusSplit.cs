// Deduplication key and train/validation assignment of a corpus line. The key is the line's
// lower-case letters and digits, single-spaced, so lines that differ only in case, quotes or
// punctuation count as one. The split is a pure function of the key: SHA-256 of its UTF-8
// bytes, first 8 bytes little-endian, modulo 10^6, compared with fraction × 10^6. A line keeps
// its split when sources grow or change, a line in both a source and the union corpus is in the
// same split in both, and duplicates across sources cannot leak from train into validation.
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Michi.Data.Text;

public static class CorpusSplit
{
    public static string DedupKey(string line)
    {
        var sb = new StringBuilder(line.Length);
        bool gap = false;
        foreach (char c in line)
        {
            if (char.IsLetterOrDigit(c))
            {
                if (gap && sb.Length > 0) sb.Append(' ');
                sb.Append(char.ToLowerInvariant(c));
                gap = false;
            }
            else if (char.IsWhiteSpace(c)) gap = true;
        }
        return sb.ToString();
    }

    /// <summary>Whether the line with dedup key <paramref name="key"/> is in the validation
    /// split; about <paramref name="fraction"/> of all keys are.</summary>
    public static bool IsValidation(string key, double fraction)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(key), hash);
        ulong h = BinaryPrimitives.ReadUInt64LittleEndian(hash);
        return h % 1_000_000 < (ulong)Math.Round(fraction * 1_000_000);
    }
}
