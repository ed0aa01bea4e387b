// Which tasks of `data prepare` are already done, surviving kill -9. Finished tasks are appended
// to OUTPUT/journal.jsonl (one JSON line each, flushed before the task counts as done); at the end
// of a run the whole state goes into manifest.json (atomically) and the journal is removed. On
// start, the manifest and then the journal are read (later lines win). A kill mid-append leaves
// a partial last line: it is cut off before appending, so it cannot swallow the next record.
// A task is only trusted when its outputs still exist with the recorded hashes (TaskStore).
using System.Text;
using System.Text.Json;

namespace Michi.Data.Prepare;

public sealed class PrepareJournal : IDisposable
{
    public const string FileName = "journal.jsonl";
    readonly Dictionary<string, PreparedInput> _done = new(StringComparer.Ordinal);
    readonly FileStream _stream;
    readonly Lock _lock = new();
    bool _completed;

    public PrepareJournal(string outputDirectory)
    {
        if (PrepareManifest.TryLoad(outputDirectory) is { } manifest)
            foreach (var input in manifest.Inputs) _done[input.Key] = input;
        string path = Path.Combine(outputDirectory, FileName);
        _stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read);
        var bytes = new byte[_stream.Length];
        _stream.ReadExactly(bytes);
        int end = Array.LastIndexOf(bytes, (byte)'\n') + 1;
        foreach (string line in Encoding.UTF8.GetString(bytes, 0, end).Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            try
            {
                if (JsonSerializer.Deserialize<PreparedInput>(line) is { Key: not null, Outputs: not null } r) _done[r.Key] = r;
            }
            catch (JsonException)
            {
                // a damaged line: that task is simply done again
            }
        }
        _stream.SetLength(end);
        _stream.Position = end;
    }

    public IReadOnlyDictionary<string, PreparedInput> Done => _done;

    public PreparedInput? Find(string key) => _done.GetValueOrDefault(key);

    public void Append(PreparedInput record)
    {
        byte[] line = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(record) + "\n");
        lock (_lock)
        {
            _stream.Write(line);
            _stream.Flush();
            _done[record.Key] = record;
        }
    }

    /// <summary>Writes the manifest atomically, then drops the journal (its records are in the manifest).</summary>
    public void Complete(string outputDirectory, PrepareManifest manifest)
    {
        AtomicFile.WriteText(Path.Combine(outputDirectory, PrepareManifest.FileName), manifest.ToJson() + "\n");
        _completed = true;
    }

    public void Dispose()
    {
        _stream.Dispose();
        if (_completed) File.Delete(_stream.Name);
    }
}
