// JSON converter for fields Hugging Face writes either as one integer or a list of integers
// (config.json / generation_config.json "eos_token_id"); null reads as an empty list.
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Michi.Model.Backbone;

internal sealed class IntOrIntListConverter : JsonConverter<IReadOnlyList<int>>
{
    public override bool HandleNull => true;

    public override IReadOnlyList<int> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Null:
                return [];
            case JsonTokenType.Number:
                return [reader.GetInt32()];
            case JsonTokenType.StartArray:
                var list = new List<int>();
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    if (reader.TokenType != JsonTokenType.Number) throw new JsonException("expected an integer or a list of integers");
                    list.Add(reader.GetInt32());
                }
                return list;
            default:
                throw new JsonException("expected an integer or a list of integers");
        }
    }

    public override void Write(Utf8JsonWriter writer, IReadOnlyList<int> value, JsonSerializerOptions options)
    {
        if (value.Count == 1)
        {
            writer.WriteNumberValue(value[0]);
            return;
        }
        writer.WriteStartArray();
        foreach (int v in value) writer.WriteNumberValue(v);
        writer.WriteEndArray();
    }
}
