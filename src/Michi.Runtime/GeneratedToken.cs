// One generated token as it streams out of TextGenerator.GenerateAsync.
namespace Michi.Runtime;

/// <param name="Id">The token id.</param>
/// <param name="Text">The text this token completes (special tokens decode to nothing; a token
/// that ends inside a UTF-8 character yields "" and the character comes with a later one).</param>
/// <param name="LogProbability">log p(token | context) under the model's unmodified distribution.</param>
/// <param name="IsStop">True when the token is one of the stop tokens (always the last one).</param>
public sealed record GeneratedToken(int Id, string Text, double LogProbability, bool IsStop);
