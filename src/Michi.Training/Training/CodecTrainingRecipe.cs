// Everything that decides what a codec training run computes: model and discriminator shapes,
// seed, batch, crop, optimiser, schedule and loss weights. Saved in every checkpoint; a resumed
// run must use the same recipe (the trainer refuses a different one), which is what makes
// "resume" land on the same weights as an uninterrupted run. Defaults:
// - AdamW lr 2e-4, betas 0.8 / 0.99, weight decay 0.01, lr × 0.999 per epoch-equivalent (one
//   pass over the training audio's length in crops): HiFi-GAN's settings.
// - Loss weights: mel 45, feature matching 2, adversarial 1 (HiFi-GAN); spectral convergence
//   and log-magnitude 1 each (Parallel WaveGAN's STFT loss as a small auxiliary term for the
//   linear-frequency detail that mel bands blur); KL 0.1 on the per-element mean KL, i.e.
//   β ≈ 2·10⁻³ relative to the mel term (LatentPosterior's 1e-3 … 1e-2 range).
// - Adversary switched on at step 4000 (spectral warm-up first: cheap steps that get the
//   codec to intelligible output before the discriminators fix phase and pitch).
// - F0 (harmonic-head vocoders): L1 on log F0 against YIN on voiced hops, weight 10 (an error of
//   10 % costs ≈ 1, about a mel L1 of 0.02 at weight 45), with teacher forcing.
// - Gradient norms clipped at 1000 (generator) and 10 (discriminators), as DAC does.
using System.Text.Json;
using System.Text.Json.Serialization;
using Michi.Model.Codec;
using Michi.Training.Discriminators;
using Michi.Training.Losses;

namespace Michi.Training;

public sealed record CodecTrainingRecipe
{
    [JsonPropertyName("codec")] public CodecConfig Codec { get; init; } = CodecConfig.Small;
    [JsonPropertyName("discriminator")] public DiscriminatorConfig Discriminator { get; init; } = DiscriminatorConfig.Light;
    [JsonPropertyName("seed")] public int Seed { get; init; }
    [JsonPropertyName("batch_size")] public int BatchSize { get; init; } = 8;

    /// <summary>Crop length in seconds, rounded up to whole frames (1 s → 13 frames = 1.04 s at 80 ms).</summary>
    [JsonPropertyName("crop_seconds")] public double CropSeconds { get; init; } = 1.0;

    [JsonPropertyName("validation_files")] public int ValidationFiles { get; init; } = 4;
    [JsonPropertyName("learning_rate")] public double LearningRate { get; init; } = 2e-4;
    [JsonPropertyName("adam_b1")] public double Beta1 { get; init; } = 0.8;
    [JsonPropertyName("adam_b2")] public double Beta2 { get; init; } = 0.99;
    [JsonPropertyName("weight_decay")] public double WeightDecay { get; init; } = 0.01;
    [JsonPropertyName("lr_decay")] public double LrDecay { get; init; } = 0.999;
    [JsonPropertyName("adversarial_start_step")] public int AdversarialStartStep { get; init; } = 4000;
    [JsonPropertyName("generator_grad_clip")] public double GeneratorGradClip { get; init; } = 1000;
    [JsonPropertyName("discriminator_grad_clip")] public double DiscriminatorGradClip { get; init; } = 10;
    [JsonPropertyName("mel_weight")] public double MelWeight { get; init; } = 45;
    [JsonPropertyName("convergence_weight")] public double ConvergenceWeight { get; init; } = 1;
    [JsonPropertyName("log_magnitude_weight")] public double LogMagnitudeWeight { get; init; } = 1;
    [JsonPropertyName("kl_weight")] public double KlWeight { get; init; } = 0.1;
    [JsonPropertyName("adversarial_weight")] public double AdversarialWeight { get; init; } = 1;
    [JsonPropertyName("feature_weight")] public double FeatureWeight { get; init; } = 2;
    /// <summary>Weight of the L1 distance between predicted and measured (YIN) log F0 on voiced hops,
    /// for vocoders with a harmonic head (ignored otherwise).</summary>
    [JsonPropertyName("f0_weight")] public double F0Weight { get; init; } = 10;

    /// <summary>Harmonic head: drive the oscillator with the measured F0 on voiced hops in training
    /// (teacher forcing), so envelopes learn from the first step while the F0 predictor catches up.</summary>
    [JsonPropertyName("f0_teacher_forcing")] public bool F0TeacherForcing { get; init; } = true;

    /// <summary>A codec model folder whose listen encoder (same encoder config and latent size)
    /// initialises this run's encoder at step 0; null: random. Lets a new vocoder start from an
    /// encoder that CPU hours have already trained.</summary>
    [JsonPropertyName("init_encoder")] public string? InitEncoder { get; init; }

    /// <summary>A codec model folder (same config) whose weights — encoder and vocoder — start this
    /// run at step 0; null: random (or init_encoder). With freeze_encoder, continues a codec's
    /// vocoder training on a fixed latent space.</summary>
    [JsonPropertyName("init_codec")] public string? InitCodec { get; init; }

    /// <summary>Train the vocoder only: the encoder's weights stay as initialised, so latents a
    /// speech model was trained on stay valid while the vocoder keeps improving. Latents are
    /// still sampled from its posterior (the vocoder keeps seeing the spread a speak head makes).</summary>
    [JsonPropertyName("freeze_encoder")] public bool FreezeEncoder { get; init; }

    [JsonPropertyName("spectral_resolutions")] public IReadOnlyList<SpectralResolution> SpectralResolutions { get; init; } = SpectralResolution.Default;

    /// <summary>Samples per training crop: whole frames covering at least CropSeconds.</summary>
    [JsonIgnore]
    public int CropSamples => (int)Math.Max(1, Math.Ceiling(CropSeconds * Codec.SampleRate / Codec.FrameLength - 1e-9)) * Codec.FrameLength;

    public AdamWOptions AdamOptions => new(Beta1, Beta2, 1e-8, WeightDecay);

    /// <summary>lr · decay^⌊step / steps_per_epoch⌋ (HiFi-GAN steps its ExponentialLR once per epoch).</summary>
    public double LearningRateAt(long step, long stepsPerEpoch) =>
        LearningRate * Math.Pow(LrDecay, step / Math.Max(1, stepsPerEpoch));

    /// <summary>The first problem that makes this recipe unusable, or null.</summary>
    public string? Validate()
    {
        if (Codec is null || Discriminator is null) return "codec and discriminator configs are required";
        if (Codec.Validate() is { } c) return "codec: " + c;
        if (Discriminator.Validate() is { } d) return "discriminator: " + d;
        if (BatchSize < 1 || BatchSize > 4096) return $"batch_size must be in 1..4096 (got {BatchSize})";
        if (!(CropSeconds > 0 && CropSeconds <= 60)) return $"crop_seconds must be in (0, 60] (got {CropSeconds})";
        if (ValidationFiles < 0) return "validation_files must be ≥ 0";
        if (!(LearningRate > 0) || !(LrDecay > 0 && LrDecay <= 1)) return "learning_rate must be > 0 and lr_decay in (0, 1]";
        if (!(Beta1 >= 0 && Beta1 < 1 && Beta2 >= 0 && Beta2 < 1)) return "adam betas must be in [0, 1)";
        if (AdversarialStartStep < 0) return "adversarial_start_step must be ≥ 0";
        if (!(GeneratorGradClip > 0 && DiscriminatorGradClip > 0)) return "gradient clips must be positive";
        if (new[] { MelWeight, ConvergenceWeight, LogMagnitudeWeight, KlWeight, AdversarialWeight, FeatureWeight, F0Weight }.Any(w => !(w >= 0)))
            return "loss weights must be ≥ 0";
        if (InitCodec is not null && InitEncoder is not null) return "give init_codec or init_encoder, not both";
        if (FreezeEncoder && InitCodec is null && InitEncoder is null) return "freeze_encoder needs init_codec or init_encoder (a random encoder would stay random)";
        if (SpectralResolutions is null || SpectralResolutions.Count == 0) return "spectral_resolutions must not be empty";
        return SpectralResolutions.Select(r => r.Validate()).FirstOrDefault(p => p is not null);
    }

    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true };

    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    /// <summary>Top-level settings whose JSON differs from <paramref name="other"/> ("name: a → b").</summary>
    public IReadOnlyList<string> Differences(CodecTrainingRecipe other) => RecipeJson.Differences(ToJson(), other.ToJson());
}
