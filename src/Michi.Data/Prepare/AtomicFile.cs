// Atomic writes (temp file beside the target, then rename: a reader, or a run resumed after
// kill -9, sees the old file or the new one, never half of one) and content hashes for the
// `data prepare` manifest.
using System.Security.Cryptography;

namespace Michi.Data.Prepare;

/// <summary>Temp file beside the target, then rename: a reader sees the old file or the new one, never half of one.</summary>
public static class AtomicFile
{
    public static void WriteText(string path, string text)
    {
        string temp = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        File.WriteAllText(temp, text);
        File.Move(temp, path, overwrite: true);
    }

    public static string Sha256(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
