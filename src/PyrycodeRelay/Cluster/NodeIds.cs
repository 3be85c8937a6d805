using System.Security.Cryptography;

namespace PyrycodeRelay.Cluster;

/// <summary>Node ids (<c>--node-id</c>): 1–64 characters of <c>[A-Za-z0-9._-]</c>; the default is 12 random hex characters.</summary>
internal static class NodeIds
{
    /// <summary>Whether <paramref name="id"/> is a valid node id.</summary>
    public static bool IsValid(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        if (id.Length is 0 or > 64)
        {
            return false;
        }

        foreach (var c in id)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>A fresh default node id: 12 lowercase hex characters from the CSPRNG.</summary>
    public static string NewId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
}
