// Lets the tests drive SafetensorsFile.ForEachChunk with a small chunk size, so the > 2 GB
// tensor path is exercised without a 2 GB tensor.
using System.Runtime.CompilerServices;

[assembly: InternalsVisibleTo("Michi.Model.Tests")]
