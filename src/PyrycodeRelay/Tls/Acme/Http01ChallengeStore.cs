using System.Collections.Concurrent;

namespace PyrycodeRelay.Tls.Acme;

/// <summary>Pending http-01 responses: token → key authorization, read by the HTTP listener.</summary>
internal sealed class Http01ChallengeStore
{
    private readonly ConcurrentDictionary<string, string> _pending = new(StringComparer.Ordinal);

    /// <summary>Publishes the key authorization for <paramref name="token"/>.</summary>
    public void Add(string token, string keyAuthorization) => _pending[token] = keyAuthorization;

    /// <summary>Withdraws <paramref name="token"/>.</summary>
    public void Remove(string token) => _pending.TryRemove(token, out _);

    /// <summary>Looks up the key authorization for a token.</summary>
    public bool TryGet(string token, out string keyAuthorization) =>
        _pending.TryGetValue(token, out keyAuthorization!);

    /// <summary>Number of pending challenges.</summary>
    public int Count => _pending.Count;
}
