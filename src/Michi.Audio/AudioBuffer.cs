// A multi-channel clip held in memory: one float array per channel (planar), plus its rate.
// Planar rather than interleaved because DSP (resampling, mel) works on one channel at a time.
namespace Michi.Audio;

/// <summary>Per-channel float samples of equal length and their sample rate.</summary>
public sealed class AudioBuffer
{
    public AudioBuffer(IReadOnlyList<float[]> channels, int sampleRate)
    {
        ArgumentNullException.ThrowIfNull(channels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sampleRate);
        if (channels.Count == 0)
            throw new ArgumentException("an audio buffer needs at least one channel", nameof(channels));
        int frames = channels[0].Length;
        if (channels.Any(c => c.Length != frames))
            throw new ArgumentException("all channels must have the same length", nameof(channels));
        Channels = channels;
        SampleRate = sampleRate;
    }

    public IReadOnlyList<float[]> Channels { get; }
    public int SampleRate { get; }
    public int ChannelCount => Channels.Count;
    public int Frames => Channels[0].Length;
    public double DurationSeconds => (double)Frames / SampleRate;

    /// <summary>The average of the channels (the same down-mix as <see cref="WavReader.ReadFramesMono"/>).</summary>
    public float[] ToMono()
    {
        if (ChannelCount == 1) return (float[])Channels[0].Clone();
        var mono = new float[Frames];
        float scale = 1f / ChannelCount;
        for (int i = 0; i < mono.Length; i++)
        {
            float sum = 0;
            foreach (float[] c in Channels) sum += c[i];
            mono[i] = sum * scale;
        }
        return mono;
    }

    /// <summary>Frames interleaved channel by channel: L0 R0 L1 R1 …</summary>
    public float[] Interleave()
    {
        int n = ChannelCount;
        var data = new float[(long)Frames * n];
        for (int c = 0; c < n; c++)
        {
            float[] src = Channels[c];
            for (int i = 0; i < src.Length; i++) data[(long)i * n + c] = src[i];
        }
        return data;
    }
}
