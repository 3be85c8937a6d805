using System.Net;

namespace PyrycodeRelay.Startup;

/// <summary>A validated listener address.</summary>
/// <param name="Address">The address text as given on the command line.</param>
/// <param name="HostKind">What the host part is.</param>
/// <param name="Ip">The IP when <paramref name="HostKind"/> is <see cref="ListenHostKind.IpLiteral"/>, else null.</param>
/// <param name="Port">The TCP port, 1–65535.</param>
internal sealed record ListenEndpoint(string Address, ListenHostKind HostKind, IPAddress? Ip, int Port);
