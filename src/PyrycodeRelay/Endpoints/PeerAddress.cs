using System.Net;

namespace PyrycodeRelay.Endpoints;

/// <summary>Rendering of the peer address for the <c>remote</c> log field (operations.md §12 step 1).</summary>
public static class PeerAddress
{
    /// <summary>IPv4-mapped IPv6 as dotted IPv4; IPv6 without brackets; empty when unknown.</summary>
    public static string Render(IPAddress? address)
    {
        if (address is null)
        {
            return "";
        }

        return address.IsIPv4MappedToIPv6 ? address.MapToIPv4().ToString() : address.ToString();
    }
}
