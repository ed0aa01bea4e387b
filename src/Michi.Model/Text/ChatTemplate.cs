// ChatML, the chat format of SmolLM2-Instruct (and Qwen, Hermes): each message is
// "<|im_start|>ROLE\nCONTENT<|im_end|>\n"; a generation prompt is "<|im_start|>assistant\n".
// This is the fixed format, not a Jinja interpreter: SmolLM2-Instruct's own template also puts
// in a default system message when the first one is not "system" — callers who want that pass
// it explicitly.
namespace Michi.Model.Text;

/// <summary>One chat turn; Role is usually "system", "user" or "assistant".</summary>
public sealed record ChatMessage(string Role, string Content);

public static class ChatTemplate
{
    public const string ImStart = "<|im_start|>";
    public const string ImEnd = "<|im_end|>";

    public static string Format(IEnumerable<ChatMessage> messages, bool addGenerationPrompt)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var sb = new System.Text.StringBuilder();
        foreach (var m in messages)
        {
            if (string.IsNullOrWhiteSpace(m.Role) || m.Role.Contains('\n') || m.Role.Contains(ImStart) || m.Role.Contains(ImEnd))
                throw new InvalidInputException($"chat message role \"{m.Role}\" is not a single-line name");
            sb.Append(ImStart).Append(m.Role).Append('\n').Append(m.Content).Append(ImEnd).Append('\n');
        }
        if (addGenerationPrompt) sb.Append(ImStart).Append("assistant\n");
        return sb.ToString();
    }
}
