// Speech → text for files that come without a transcript. The pipeline depends on this interface
// only, so tests use a fake and need no model; WhisperTranscriber is the real one.
namespace Michi.Data.Prepare;

public interface ITranscriber
{
    /// <summary>Identifies the model and settings (recorded in the manifest's settings fingerprint).</summary>
    string Fingerprint { get; }

    /// <summary>The text spoken in <paramref name="samples"/> (24 kHz mono); empty when nothing was heard.</summary>
    Task<string> TranscribeAsync(float[] samples, int sampleRate, CancellationToken ct);
}
