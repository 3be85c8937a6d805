namespace PyrycodeRelay.Tests.Scenarios.Support;

/// <summary>Builders for binary envelopes of exact sizes.</summary>
internal static class Envelopes
{
    /// <summary>The envelope bytes around a frame: <c>{"conn_id":"…","frame":</c> and <c>}</c>.</summary>
    public static int Overhead(string connId)
    {
        ArgumentNullException.ThrowIfNull(connId);
        return "{\"conn_id\":\"\",\"frame\":}".Length + connId.Length;
    }

    /// <summary>A JSON string frame of exactly <paramref name="length"/> bytes (quotes included).</summary>
    public static string StringFrame(int length, char fill = 'x') => "\"" + new string(fill, length - 2) + "\"";

    /// <summary>A data envelope for <paramref name="connId"/> of exactly <paramref name="totalBytes"/> bytes.</summary>
    public static string MaxSized(string connId, int totalBytes) =>
        Data(connId, StringFrame(totalBytes - Overhead(connId)));

    /// <summary><c>{"conn_id":"<paramref name="connId"/>","frame":<paramref name="frame"/>}</c>.</summary>
    public static string Data(string connId, string frame) => "{\"conn_id\":\"" + connId + "\",\"frame\":" + frame + "}";
}
