// Makes TorchSharp's native glue load on Debian 12 / Ubuntu 22.04.
//
// libLibTorchSharp.so (TorchSharp 0.107.0) declares it needs the symbol version GLIBCXX_3.4.32
// (GCC 13), but Debian 12's libstdc++ stops at 3.4.30. The only symbol bound to that version is
// std::ios_base_library_init(), which is never called, so marking that one version-need entry
// weak (VER_FLG_WEAK = 0x2 in .gnu.version_r, ELF gABI "Symbol Versioning") lets the dynamic
// loader accept the library. Idempotent; a no-op when the system libstdc++ already provides the
// version. Usage: dotnet run scripts/fix-libtorchsharp.cs -- FILE.so [LIBSTDCXX.so]
using System.Text;

const ushort VerFlgWeak = 0x2;
const uint ShtGnuVerneed = 0x6ffffffe;
const string NeededVersion = "GLIBCXX_3.4.32";

if (args.Length < 1) { Console.Error.WriteLine("usage: fix-libtorchsharp FILE.so [LIBSTDCXX.so]"); return 2; }
string target = args[0];
if (!File.Exists(target)) { Console.Error.WriteLine($"{target}: no such file"); return 2; }

string? libstdcxx = args.Length > 1 ? args[1] : FindLibStdCxx();
if (libstdcxx != null && ContainsAscii(File.ReadAllBytes(libstdcxx), NeededVersion))
{
    Console.WriteLine($"libstdc++ ({libstdcxx}) provides {NeededVersion}: nothing to do");
    return 0;
}

byte[] elf = File.ReadAllBytes(target);
if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F' || elf[4] != 2 || elf[5] != 1)
{
    Console.Error.WriteLine($"{target}: not a little-endian 64-bit ELF file");
    return 2;
}
ulong shoff = BitConverter.ToUInt64(elf, 0x28);
int shentsize = BitConverter.ToUInt16(elf, 0x3A), shnum = BitConverter.ToUInt16(elf, 0x3C);
int patched = 0, alreadyWeak = 0;
for (int s = 0; s < shnum; s++)
{
    int sh = checked((int)shoff + s * shentsize);
    if (BitConverter.ToUInt32(elf, sh + 4) != ShtGnuVerneed) continue;
    int offset = checked((int)BitConverter.ToUInt64(elf, sh + 0x18));
    int link = (int)BitConverter.ToUInt32(elf, sh + 0x28);
    int count = (int)BitConverter.ToUInt32(elf, sh + 0x2C);
    int strtab = checked((int)BitConverter.ToUInt64(elf, checked((int)shoff + link * shentsize) + 0x18));

    int vn = offset;
    for (int i = 0; i < count; i++)
    {
        int cnt = BitConverter.ToUInt16(elf, vn + 2);
        int aux = vn + (int)BitConverter.ToUInt32(elf, vn + 8);
        for (int j = 0; j < cnt; j++)
        {
            string name = ReadCString(elf, strtab + (int)BitConverter.ToUInt32(elf, aux + 8));
            if (name == NeededVersion)
            {
                ushort flags = BitConverter.ToUInt16(elf, aux + 4);
                if ((flags & VerFlgWeak) != 0) alreadyWeak++;
                else { BitConverter.TryWriteBytes(elf.AsSpan(aux + 4, 2), (ushort)(flags | VerFlgWeak)); patched++; }
            }
            aux += (int)BitConverter.ToUInt32(elf, aux + 12);
        }
        vn += (int)BitConverter.ToUInt32(elf, vn + 12);
    }
}

if (patched == 0)
{
    Console.WriteLine(alreadyWeak > 0 ? $"{target}: already patched" : $"{target}: does not need {NeededVersion}");
    return 0;
}
// Atomic replace: a half-written .so would break every later build.
string tmp = target + ".tmp-" + Environment.ProcessId;
File.WriteAllBytes(tmp, elf);
File.Move(tmp, target, overwrite: true);
Console.WriteLine($"{target}: marked {NeededVersion} weak");
return 0;

static string ReadCString(byte[] b, int at)
{
    int end = Array.IndexOf(b, (byte)0, at);
    return Encoding.ASCII.GetString(b, at, end - at);
}

static bool ContainsAscii(byte[] hay, string needle) => hay.AsSpan().IndexOf(Encoding.ASCII.GetBytes(needle)) >= 0;

static string? FindLibStdCxx()
{
    foreach (var dir in new[] { "/usr/lib/x86_64-linux-gnu", "/lib/x86_64-linux-gnu", "/usr/lib64", "/usr/lib" })
    {
        var p = Path.Combine(dir, "libstdc++.so.6");
        if (File.Exists(p)) return Path.GetFullPath(p);
    }
    return null;
}
