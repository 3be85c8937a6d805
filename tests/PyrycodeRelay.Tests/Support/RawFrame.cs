using System.Text;

namespace PyrycodeRelay.Tests.Support;

/// <summary>One frame as received from the relay, with its header bits exposed.</summary>
internal sealed record RawFrame(bool Fin, int Rsv, int Opcode, bool Masked, byte[] Payload)
{
    /// <summary>Payload as UTF-8 text.</summary>
    public string Text => Encoding.UTF8.GetString(Payload);

    /// <summary>Close status code, or null when the close frame has none.</summary>
    public int? CloseCode => Payload.Length >= 2 ? WsFrames.ParseClose(Payload).Code : null;

    /// <summary>Close reason (empty when absent).</summary>
    public string CloseReason => WsFrames.ParseClose(Payload).Reason;

    /// <summary>Whether it is a control frame.</summary>
    public bool IsControl => (Opcode & 0x8) != 0;

    /// <inheritdoc />
    public override string ToString() =>
        $"fin={Fin} rsv={Rsv} op={Opcode} masked={Masked} len={Payload.Length} " +
        (Opcode == WsFrames.Close ? $"close={CloseCode} '{CloseReason}'" : Payload.Length <= 200 ? Text : Text[..200] + "…");
}
