// The four corpus layouts `data prepare` reads (docs/data.md, "Preparation pipeline"):
//   synthetic  this project's `data synth` output: NAME.wav + NAME.json (UtteranceRecord, exact times)
//   libritts   LibriTTS / LibriTTS-R: SPEAKER/CHAPTER/ID.wav + ID.normalized.txt (else ID.original.txt);
//              the speaker is ID's first "_" field, so the path may be the corpus, a subset or deeper
//   ljspeech   LJSpeech-1.1: metadata.csv lines "ID|text|normalized text" + wavs/ID.wav
//   folder     any folder tree of .wav files with a sibling NAME.txt or NAME.lab transcript (or none:
//              then Whisper transcribes it when a model is given)
// Files are listed in ordinal path order, so names and the manifest do not depend on the file
// system's order. Only WAV audio is read (Michi.Audio); LibriTTS and LJSpeech ship WAV.
using System.Text;

namespace Michi.Data.Prepare;

public static class Ingestors
{
    const long MaxMetadataBytes = 256L << 20;

    public static IngestResult Discover(PrepareSourceConfig source)
    {
        string root = source.Path ?? throw new ArgumentException("source has no path");
        string name = source.Name ?? source.Type!;
        return source.Type switch
        {
            "synthetic" => Synthetic(root, name),
            "libritts" => LibriTts(root, name),
            "ljspeech" => LjSpeech(root, name),
            "folder" => Folder(root, name, source.Speaker),
            _ => throw new InvalidInputException($"unknown source type \"{source.Type}\""),
        };
    }

    static IngestResult Synthetic(string root, string source)
    {
        var result = new IngestResult([], []);
        foreach (string json in Files(root, "*.json"))
        {
            string wav = Path.ChangeExtension(json, ".wav");
            string input = Relative(root, wav);
            if (!File.Exists(wav)) { result.Failures.Add(new($"{source}/{input}", $"{json}: no {Path.GetFileName(wav)} beside it")); continue; }
            result.Items.Add(new SourceItem
            {
                Source = source, Input = input, AudioPath = wav, RecordPath = json,
                Name = OutputName(source, Path.ChangeExtension(input, null)), Voice = "", Engine = "",
            });
        }
        return result;
    }

    static IngestResult LibriTts(string root, string source)
    {
        var result = new IngestResult([], []);
        foreach (string wav in Files(root, "*.wav"))
        {
            string id = Path.GetFileNameWithoutExtension(wav);
            string stem = Path.Combine(Path.GetDirectoryName(wav)!, id);
            string? transcript = new[] { stem + ".normalized.txt", stem + ".original.txt" }.FirstOrDefault(File.Exists);
            int cut = id.IndexOf('_');
            string speaker = cut > 0 ? id[..cut] : FirstFolder(Relative(root, wav)) ?? id;
            result.Items.Add(new SourceItem
            {
                Source = source, Input = Relative(root, wav), AudioPath = wav, TranscriptPath = transcript,
                Name = OutputName(source, id), Voice = $"libritts:{speaker}", Engine = "libritts",
            });
        }
        return result;
    }

    static IngestResult LjSpeech(string root, string source)
    {
        string metadata = Path.Combine(root, "metadata.csv");
        if (!File.Exists(metadata)) throw InvalidInputException.ForFile(metadata, "not found (an LJSpeech source needs metadata.csv and wavs/)");
        if (new FileInfo(metadata).Length > MaxMetadataBytes) throw InvalidInputException.ForFile(metadata, "larger than 256 MiB: not LJSpeech metadata");
        var result = new IngestResult([], []);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        int lineNumber = 0;
        foreach (string line in File.ReadLines(metadata, Encoding.UTF8))
        {
            lineNumber++;
            if (line.Length == 0) continue;
            string[] f = line.Split('|');
            string id = f[0].Trim();
            if (f.Length < 2 || id.Length == 0 || id.IndexOfAny(['/', '\\']) >= 0 || id is "." or "..")
            {
                result.Failures.Add(new($"{source}/metadata.csv:{lineNumber}", $"{metadata}:{lineNumber}: expected ID|text|normalized text"));
                continue;
            }
            string input = $"wavs/{id}.wav";
            if (!seen.Add(id)) { result.Failures.Add(new($"{source}/{input}", $"{metadata}:{lineNumber}: {id} is listed twice")); continue; }
            string wav = Path.Combine(root, "wavs", id + ".wav");
            if (!File.Exists(wav)) { result.Failures.Add(new($"{source}/{input}", $"{wav}: no such file (listed in metadata.csv:{lineNumber})")); continue; }
            string text = f.Length >= 3 && f[2].Trim().Length > 0 ? f[2] : f[1];
            result.Items.Add(new SourceItem
            {
                Source = source, Input = input, AudioPath = wav, Transcript = text,
                Name = OutputName(source, id), Voice = "ljspeech:lj", Engine = "ljspeech",
            });
        }
        return result;
    }

    static IngestResult Folder(string root, string source, string? speaker)
    {
        var result = new IngestResult([], []);
        foreach (string wav in Files(root, "*.wav"))
        {
            string input = Relative(root, wav);
            string? transcript = new[] { Path.ChangeExtension(wav, ".txt"), Path.ChangeExtension(wav, ".lab") }.FirstOrDefault(File.Exists);
            result.Items.Add(new SourceItem
            {
                Source = source, Input = input, AudioPath = wav, TranscriptPath = transcript,
                Name = OutputName(source, Path.ChangeExtension(input, null)),
                Voice = speaker ?? (FirstFolder(input) is { } dir ? $"{source}:{dir}" : source), Engine = "recorded",
            });
        }
        return result;
    }

    /// <summary>Files under <paramref name="root"/> (recursive, case-insensitive pattern), ordinal order; unreadable folders are passed over.</summary>
    static IEnumerable<string> Files(string root, string pattern) =>
        Directory.EnumerateFiles(root, pattern, new EnumerationOptions
        {
            RecurseSubdirectories = true, IgnoreInaccessible = true, MatchCasing = MatchCasing.CaseInsensitive,
        }).Where(p => !Path.GetFileName(p).StartsWith('.')).Order(StringComparer.Ordinal);

    static string Relative(string root, string path) => Path.GetRelativePath(root, path).Replace('\\', '/');

    static string? FirstFolder(string relative) => relative.IndexOf('/') is > 0 and var i ? relative[..i] : null;

    /// <summary>"SOURCE-PATH": '/' becomes '_', and anything but letters, digits, '.', '_', '-' becomes '_'.</summary>
    public static string OutputName(string source, string relativeStem)
    {
        var sb = new StringBuilder(source.Length + 1 + relativeStem.Length);
        sb.Append(source).Append('-');
        foreach (char c in relativeStem) sb.Append(char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' ? c : '_');
        return sb.ToString();
    }
}
