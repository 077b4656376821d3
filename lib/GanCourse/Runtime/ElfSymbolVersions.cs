using System.Buffers.Binary;
using System.Text;

namespace GanCourse.Runtime;

/// <summary>
/// A minimal ELF64 editor for the one fix TorchSharp 0.107 needs on Debian 12 / Ubuntu 22.04:
/// libLibTorchSharp.so asks for GLIBCXX_3.4.32 only because of <c>std::ios_base_library_init()</c>,
/// a link-time marker that GCC 13 emits and nothing ever calls. We un-version that symbol and mark the
/// version requirement weak (VER_FLG_WEAK), which is what <c>patchelf --clear-symbol-version</c> plus a
/// flag edit of <c>.gnu.version_r</c> would do. The edit changes a handful of bytes in place; sizes and
/// offsets stay the same.
/// </summary>
public static class ElfSymbolVersions
{
    const uint ShtDynsym = 11, ShtGnuVersym = 0x6fffffff, ShtGnuVerneed = 0x6ffffffe;
    const ushort VerFlgWeak = 0x2, VerNdxGlobal = 1;

    readonly record struct Section(uint Type, int Offset, int Size, int Link, int Info);

    /// <summary>Names of the versions an ELF file requires (from .gnu.version_r), with their weak flag.</summary>
    public static IReadOnlyList<(string Version, bool Weak)> RequiredVersions(ReadOnlySpan<byte> elf)
    {
        var list = new List<(string, bool)>();
        var s = Sections(elf);
        var verneed = s.Single(x => x.Type == ShtGnuVerneed);
        foreach (var (aux, name) in VernauxEntries(elf, s, verneed))
            list.Add((name, (BinaryPrimitives.ReadUInt16LittleEndian(elf[(aux + 4)..]) & VerFlgWeak) != 0));
        return list;
    }

    /// <summary>
    /// Makes <paramref name="symbol"/> unversioned and <paramref name="version"/> a weak requirement.
    /// Throws <see cref="InvalidDataException"/> when the file is not a little-endian ELF64 shared object
    /// or does not require <paramref name="version"/>.
    /// </summary>
    public static void WeakenVersion(Span<byte> elf, string symbol, string version)
    {
        var s = Sections(elf);
        var dynsym = s.SingleOrDefault(x => x.Type == ShtDynsym);
        var versym = s.SingleOrDefault(x => x.Type == ShtGnuVersym);
        var verneed = s.SingleOrDefault(x => x.Type == ShtGnuVerneed);
        if (dynsym.Size == 0 || versym.Size == 0 || verneed.Size == 0)
            throw new InvalidDataException("ELF file has no .dynsym/.gnu.version/.gnu.version_r sections");

        bool found = false;
        foreach (var (aux, name) in VernauxEntries(elf, s, verneed))
        {
            if (name != version) continue;
            var flags = BinaryPrimitives.ReadUInt16LittleEndian(elf[(aux + 4)..]);
            BinaryPrimitives.WriteUInt16LittleEndian(elf[(aux + 4)..], (ushort)(flags | VerFlgWeak));
            found = true;
        }
        if (!found) throw new InvalidDataException($"ELF file does not require version {version}");

        var strtab = s[dynsym.Link];
        for (int i = 0; i < dynsym.Size / 24; i++)
        {
            var nameOffset = BinaryPrimitives.ReadUInt32LittleEndian(elf[(dynsym.Offset + i * 24)..]);
            if (CString(elf, strtab.Offset + (int)nameOffset) == symbol)
                BinaryPrimitives.WriteUInt16LittleEndian(elf[(versym.Offset + i * 2)..], VerNdxGlobal);
        }
    }

    static List<Section> Sections(ReadOnlySpan<byte> b)
    {
        if (b.Length < 64 || b[0] != 0x7f || b[1] != 'E' || b[2] != 'L' || b[3] != 'F')
            throw new InvalidDataException("not an ELF file");
        if (b[4] != 2 || b[5] != 1) throw new InvalidDataException("not a little-endian 64-bit ELF file");
        var shoff = checked((int)BinaryPrimitives.ReadUInt64LittleEndian(b[0x28..]));
        int shentsize = BinaryPrimitives.ReadUInt16LittleEndian(b[0x3A..]);
        int shnum = BinaryPrimitives.ReadUInt16LittleEndian(b[0x3C..]);
        if (shoff <= 0 || shentsize < 64 || shoff + (long)shnum * shentsize > b.Length)
            throw new InvalidDataException("ELF section header table is truncated");
        var list = new List<Section>(shnum);
        for (int i = 0; i < shnum; i++)
        {
            var h = b[(shoff + i * shentsize)..];
            var sec = new Section(BinaryPrimitives.ReadUInt32LittleEndian(h[4..]),
                checked((int)BinaryPrimitives.ReadUInt64LittleEndian(h[24..])),
                checked((int)BinaryPrimitives.ReadUInt64LittleEndian(h[32..])),
                (int)BinaryPrimitives.ReadUInt32LittleEndian(h[40..]),
                (int)BinaryPrimitives.ReadUInt32LittleEndian(h[44..]));
            if (sec.Type != 8 /* NOBITS */ && (long)sec.Offset + sec.Size > b.Length)
                throw new InvalidDataException($"ELF section {i} lies past the end of the file (truncated?)");
            list.Add(sec);
        }
        return list;
    }

    static List<(int Aux, string Name)> VernauxEntries(ReadOnlySpan<byte> b, List<Section> s, Section verneed)
    {
        var result = new List<(int, string)>();
        var strtab = s[verneed.Link];
        int entry = verneed.Offset;
        for (int n = 0; n < verneed.Info; n++)
        {
            int count = BinaryPrimitives.ReadUInt16LittleEndian(b[(entry + 2)..]);
            int aux = entry + (int)BinaryPrimitives.ReadUInt32LittleEndian(b[(entry + 8)..]);
            for (int a = 0; a < count; a++)
            {
                result.Add((aux, CString(b, strtab.Offset + (int)BinaryPrimitives.ReadUInt32LittleEndian(b[(aux + 8)..]))));
                aux += (int)BinaryPrimitives.ReadUInt32LittleEndian(b[(aux + 12)..]);
            }
            entry += (int)BinaryPrimitives.ReadUInt32LittleEndian(b[(entry + 12)..]);
        }
        return result;
    }

    static string CString(ReadOnlySpan<byte> b, int start)
    {
        var end = b[start..].IndexOf((byte)0);
        if (end < 0) throw new InvalidDataException("unterminated string in ELF string table");
        return Encoding.ASCII.GetString(b.Slice(start, end));
    }
}
