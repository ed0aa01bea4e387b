// The state one speech session owns while the model's weights stay shared (STYLE.md: model ≠
// session): the backbone's KV cache (one position per frame or text token) and the listen
// text head's window of recent user latents. Create with SpeechLm.NewSession.
using Michi.Model.Backbone;

namespace Michi.Model.Speech;

public sealed class SpeechLmSession : IDisposable
{
    internal SpeechLmSession(KvCache cache, ListenHeadState listen)
    {
        Cache = cache;
        Listen = listen;
    }

    public KvCache Cache { get; }
    public ListenHeadState Listen { get; }

    /// <summary>Positions already run through the backbone.</summary>
    public int Position => Cache.Position;

    /// <summary>Most positions this session can hold.</summary>
    public int Capacity => Cache.MaxLength;

    public long BatchSize => Cache.BatchSize;

    /// <summary>Back to an empty conversation (storage is kept).</summary>
    public void Reset()
    {
        Cache.Reset();
        Listen.Reset();
    }

    public void Dispose()
    {
        Cache.Dispose();
        Listen.Dispose();
    }
}
