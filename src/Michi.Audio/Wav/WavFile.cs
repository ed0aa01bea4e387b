// Whole-file conveniences over WavReader / WavWriter. Reading checks the header's frame count
// against what one .NET array can hold before allocating; the count itself is already bounded
// by the real file size (WavHeaderParser), so a lying header cannot cause a huge allocation.
namespace Michi.Audio;

public static class WavFile
{
    /// <summary>The most frames one in-memory read will allocate (one array per channel).</summary>
    public static readonly long MaxInMemoryFrames = Array.MaxLength;

    /// <summary>Reads only the header.</summary>
    public static WavInfo ReadInfo(string path)
    {
        using var reader = WavReader.Open(path);
        return reader.Info;
    }

    /// <summary>Reads a whole file, averaging its channels to mono.</summary>
    public static (float[] Samples, int SampleRate) ReadMono(string path)
    {
        using var reader = WavReader.Open(path);
        var samples = new float[CheckedFrames(reader)];
        int got = 0;
        while (got < samples.Length)
        {
            int n = reader.ReadFramesMono(samples.AsSpan(got));
            if (n == 0) break;
            got += n;
        }
        return (samples, reader.Info.SampleRate);
    }

    /// <summary>Reads a whole file into per-channel arrays.</summary>
    public static AudioBuffer Read(string path)
    {
        using var reader = WavReader.Open(path);
        int frames = CheckedFrames(reader);
        int channels = reader.Info.Channels;
        var planar = new float[channels][];
        for (int c = 0; c < channels; c++) planar[c] = new float[frames];

        var block = new float[Math.Max(1, 8192 / channels) * channels];
        int at = 0;
        int n;
        while ((n = reader.ReadFrames(block)) > 0)
        {
            for (int i = 0; i < n; i++)
                for (int c = 0; c < channels; c++)
                    planar[c][at + i] = block[i * channels + c];
            at += n;
        }
        return new AudioBuffer(planar, reader.Info.SampleRate);
    }

    /// <summary>Writes mono samples atomically (temp file + rename).</summary>
    public static void Write(string path, ReadOnlySpan<float> mono, int sampleRate, WavSampleFormat format = WavSampleFormat.Pcm16)
    {
        using var writer = WavWriter.Create(path, sampleRate, 1, format);
        writer.Write(mono);
        writer.Complete();
    }

    /// <summary>Writes all channels of <paramref name="audio"/> atomically.</summary>
    public static void Write(string path, AudioBuffer audio, WavSampleFormat format = WavSampleFormat.Pcm16)
    {
        ArgumentNullException.ThrowIfNull(audio);
        using var writer = WavWriter.Create(path, audio.SampleRate, audio.ChannelCount, format);
        int channels = audio.ChannelCount;
        var block = new float[Math.Max(1, 8192 / channels) * channels]; // interleave block by block
        for (int start = 0; start < audio.Frames; start += block.Length / channels)
        {
            int n = Math.Min(block.Length / channels, audio.Frames - start);
            for (int i = 0; i < n; i++)
                for (int c = 0; c < channels; c++)
                    block[i * channels + c] = audio.Channels[c][start + i];
            writer.Write(block.AsSpan(0, n * channels));
        }
        writer.Complete();
    }

    static int CheckedFrames(WavReader reader)
    {
        long frames = reader.Info.Frames;
        if (frames > MaxInMemoryFrames)
            throw InvalidInputException.ForFile(reader.Path,
                $"too long to load into memory ({frames} frames, at most {MaxInMemoryFrames}); stream it with WavReader");
        return (int)frames;
    }
}
