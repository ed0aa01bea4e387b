// Atomic writes (temp file beside the target, then rename: a reader, or a run resumed after
// kill -9, sees the old file or the new one, never half of one) and content hashes for the
// `data prepare` manifest.
using System.Security.Cryptography;

namespace Michi.Data.Prepare;

/// <summary>Temp file beside the target, then rename: a reader sees the old file or the new one, never half of one.</summary>
public static class AtomicFile
{
    public static void WriteText(string path, string text) => Text.AtomicText.WriteText(path, text);

    public static string Sha256(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
