// Range checks for numeric options. System.CommandLine runs validators even when the value did
// not parse (and GetValue then throws), so a validator must look only at values that converted;
// the conversion error is reported by the parser itself.
using System.CommandLine;
using System.CommandLine.Parsing;
using System.Numerics;

namespace Michi.Cli.Infrastructure;

public static class OptionRules
{
    public static Option<T> InRange<T>(this Option<T> option, T min, T max) where T : struct, INumber<T>
    {
        option.Validators.Add(result =>
        {
            if (result.Tokens.Count == 0) return;   // default value: trusted
            if (!T.TryParse(result.Tokens[^1].Value, System.Globalization.CultureInfo.InvariantCulture, out var value)) return;
            if (value < min || value > max)
                result.AddError($"{option.Name} must be between {min} and {max} (got {value})");
        });
        return option;
    }
}
