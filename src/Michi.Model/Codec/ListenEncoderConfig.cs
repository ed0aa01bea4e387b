// Shape of the listen encoder (see ListenEncoder): a causal SEANet-style stack. `channels`
// after the input conv, doubled at each downsampling (capped at `max_channels`); one residual
// block (kernel `kernel_size`, `residual_dilations`) before each strided conv; strides
// multiply to the codec's frame length.
using System.Text.Json.Serialization;
using Michi.Model.Nn;

namespace Michi.Model.Codec;

public sealed record ListenEncoderConfig
{
    [JsonPropertyName("channels")] public int Channels { get; init; } = 32;
    [JsonPropertyName("max_channels")] public int MaxChannels { get; init; } = 512;
    [JsonPropertyName("strides")] public IReadOnlyList<int> Strides { get; init; } = [2, 4, 5, 6, 8];
    [JsonPropertyName("kernel_size")] public int KernelSize { get; init; } = 7;
    [JsonPropertyName("residual_dilations")] public IReadOnlyList<int> ResidualDilations { get; init; } = [1, 3, 9];

    /// <summary>Hidden channels of a residual unit = channels / this (1 = HiFi-GAN unit).</summary>
    [JsonPropertyName("residual_bottleneck")] public int ResidualBottleneck { get; init; } = 2;

    [JsonPropertyName("last_kernel_size")] public int LastKernelSize { get; init; } = 3;
    [JsonPropertyName("activation")] public string Activation { get; init; } = Nn.Activation.SnakeName;

    /// <summary>Channels after the input conv and after each downsampling (Strides.Count + 1 values).</summary>
    [JsonIgnore]
    public IReadOnlyList<int> ChannelsPerLevel =>
        Enumerable.Range(0, Strides.Count + 1).Select(i => (int)Math.Min((long)Channels << Math.Min(i, 30), MaxChannels)).ToArray();

    /// <summary>Product of the strides (checked against the frame length by CodecConfig).</summary>
    [JsonIgnore] public long TotalStride => Strides.Aggregate(1L, (a, s) => a * s);

    /// <summary>The first problem that makes this config unusable, or null.</summary>
    public string? Validate()
    {
        if (Channels < 1) return $"encoder.channels must be positive (got {Channels})";
        if (MaxChannels < Channels) return $"encoder.max_channels ({MaxChannels}) must be ≥ encoder.channels ({Channels})";
        if (Strides is null || Strides.Count == 0) return "encoder.strides must list at least one stride";
        if (Strides.Any(s => s < 1 || s > 64)) return $"encoder.strides must be in 1..64 (got [{string.Join(", ", Strides)}])";
        if (KernelSize < 1 || KernelSize > 63) return $"encoder.kernel_size must be in 1..63 (got {KernelSize})";
        if (LastKernelSize < 1 || LastKernelSize > 63) return $"encoder.last_kernel_size must be in 1..63 (got {LastKernelSize})";
        if (ResidualDilations is null || ResidualDilations.Any(d => d < 1 || d > 1024))
            return "encoder.residual_dilations must be in 1..1024";
        if (ResidualBottleneck < 1) return $"encoder.residual_bottleneck must be positive (got {ResidualBottleneck})";
        if (ResidualDilations.Count > 0 && ChannelsPerLevel.Take(Strides.Count).Any(c => c % ResidualBottleneck != 0))
            return $"encoder channels [{string.Join(", ", ChannelsPerLevel)}] must be divisible by residual_bottleneck {ResidualBottleneck}";
        if (!Nn.Activation.Names.Contains(Activation))
            return $"encoder.activation \"{Activation}\" is unknown (known: {string.Join(", ", Nn.Activation.Names)})";
        return null;
    }
}
