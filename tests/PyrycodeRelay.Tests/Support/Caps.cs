namespace PyrycodeRelay.Tests.Support;

/// <summary>How <see cref="RelayProcessRunner"/> gives the relay process its Linux capabilities (via <c>setpriv</c>).</summary>
internal enum Caps
{
    /// <summary><c>setpriv --bounding-set=-all --inh-caps=-all</c>: empty effective set.</summary>
    Dropped,

    /// <summary>Only <c>CAP_NET_BIND_SERVICE</c> (root with the bounding set limited to it).</summary>
    NetBindServiceOnly,

    /// <summary>Only <c>CAP_SYS_ADMIN</c>.</summary>
    SysAdminOnly,

    /// <summary>No setpriv: whatever this (root) test process has.</summary>
    Inherited,

    /// <summary>
    /// uid/gid 65534 with <c>CAP_NET_BIND_SERVICE</c> as an ambient capability (a non-root container with
    /// <c>--cap-drop=ALL --cap-add=NET_BIND_SERVICE</c>).
    /// </summary>
    NobodyWithNetBindService,
}
