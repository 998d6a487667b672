namespace AeGrid.Client.Report;

/// <summary>The CRC-32 PNG chunks carry (ISO 3309 / ITU-T V.42, polynomial 0xEDB88320 reflected), as in PNG spec annex D.</summary>
internal static class Crc32
{
    static readonly uint[] Table = BuildTable();

    /// <summary>The CRC of the bytes of all <paramref name="parts"/>, one after another.</summary>
    public static uint Compute(params ReadOnlySpan<byte[]> parts)
    {
        uint crc = 0xFFFFFFFF;
        foreach (var part in parts)
        {
            foreach (var b in part) crc = Table[(crc ^ b) & 0xFF] ^ (crc >> 8);
        }
        return crc ^ 0xFFFFFFFF;
    }

    static uint[] BuildTable()
    {
        var table = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            uint c = n;
            for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320 ^ (c >> 1) : c >> 1;
            table[n] = c;
        }
        return table;
    }
}
