// Publishes a whole directory at once (the final model of a run, OUT/model): it is filled in a
// hidden temporary sibling, then renamed into place; an existing copy is moved aside first and
// deleted after. Readers see the old directory or the new one (for an instant, none), never a
// half-written one.
namespace Michi.Training;

public static class DirectoryPublisher
{
    public static void Publish(string directory, Action<string> fill)
    {
        string full = Path.GetFullPath(directory);
        string parent = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(parent);
        string name = Path.GetFileName(full);
        string temp = Path.Combine(parent, $".{name}.tmp-{Guid.NewGuid():N}");
        Directory.CreateDirectory(temp);
        try
        {
            fill(temp);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
        if (Directory.Exists(full))
        {
            string old = Path.Combine(parent, $".{name}.old-{Guid.NewGuid():N}");
            Directory.Move(full, old);
            Directory.Move(temp, full);
            TryDelete(old);
        }
        else
        {
            Directory.Move(temp, full);
        }
    }

    private static void TryDelete(string directory)
    {
        try { Directory.Delete(directory, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
