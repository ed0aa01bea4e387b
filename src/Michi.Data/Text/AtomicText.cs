// Atomic text writes: a temp file in the target's directory, then a rename over the target, so
// a reader (or a killed run) never sees a half-written corpus file. UTF-8 without BOM, "\n"
// line ends.
using System.Text;

namespace Michi.Data.Text;

internal static class AtomicText
{
    static readonly UTF8Encoding s_utf8 = new(encoderShouldEmitUTF8Identifier: false);

    public static void WriteLines(string path, IEnumerable<string> lines) => Write(path, writer =>
    {
        foreach (string line in lines) { writer.Write(line); writer.Write('\n'); }
    });

    public static void WriteText(string path, string text) => Write(path, writer => writer.Write(text));

    static void Write(string path, Action<StreamWriter> write)
    {
        string dir = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(dir);
        string temp = Path.Combine(dir, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var writer = new StreamWriter(temp, append: false, s_utf8)) write(writer);
            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }
}
