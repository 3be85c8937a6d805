namespace PyrycodeRelay.Registry;

/// <summary>Result kinds of a phone registration (docs/protocol.md#phone-registration).</summary>
internal enum PhoneRegistrationOutcome
{
    /// <summary>Registered.</summary>
    Registered,

    /// <summary>No holder, live or gracing (4404 <c>no server with that id</c>).</summary>
    NoServer,

    /// <summary>The server-id is at <c>--phones-per-server</c> (4429).</summary>
    AtCap,

    /// <summary>Shutdown has begun (1001).</summary>
    ShuttingDown,
}
