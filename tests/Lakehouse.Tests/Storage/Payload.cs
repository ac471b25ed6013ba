namespace Lakehouse.Tests.Storage;

/// <summary>Test content for objects.</summary>
internal static class Payload
{
    /// <summary>Bytes that differ from any other seed's, so a mix-up or a torn read cannot go unnoticed.</summary>
    public static byte[] Random(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }
}
