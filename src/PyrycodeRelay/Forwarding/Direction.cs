namespace PyrycodeRelay.Forwarding;

/// <summary>Which way a message travels (label <c>direction</c>).</summary>
internal enum Direction
{
    /// <summary><c>phone_to_binary</c></summary>
    PhoneToBinary,

    /// <summary><c>binary_to_phone</c></summary>
    BinaryToPhone,
}
