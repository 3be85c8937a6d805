namespace PyrycodeRelay.Registry;

/// <summary>A phone connection as the registry sees it.</summary>
public interface IRegisteredPhone
{
    /// <summary>The server-id it named.</summary>
    string ServerId { get; }

    /// <summary>The 64 random bits of its conn_id (the registry key within the server-id).</summary>
    ulong Key { get; }

    /// <summary>The holder connection that existed when it registered.</summary>
    IRegisteredBinary Bound { get; }
}
