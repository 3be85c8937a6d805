using System.Text;

namespace PyrycodeRelay.Tests.Support;

/// <summary>What a client saw when the server closed the connection: the bytes, when, and whether it was a reset.</summary>
internal sealed record ClosedConnection(byte[] Bytes, TimeSpan Elapsed, bool Reset)
{
    /// <summary>The bytes as ASCII.</summary>
    public string Text => Encoding.ASCII.GetString(Bytes);
}
