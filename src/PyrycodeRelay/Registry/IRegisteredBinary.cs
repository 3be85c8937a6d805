namespace PyrycodeRelay.Registry;

/// <summary>A binary connection as the registry sees it: the holder (or claimant) of one server-id.</summary>
public interface IRegisteredBinary
{
    /// <summary>The server-id it claims.</summary>
    string ServerId { get; }
}
