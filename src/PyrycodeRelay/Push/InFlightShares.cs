namespace PyrycodeRelay.Push;

/// <summary>
/// Per-key counts of sends in flight, each capped at a fair share (docs/operations.md#push-admission rows 7a–7b): one
/// server-id, or one source, cannot hold every relay-wide in-flight slot. Entries exist only while a send of the key is
/// in flight. Thread-safe.
/// </summary>
internal sealed class InFlightShares(int share)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, int> _counts = new(StringComparer.Ordinal);

    /// <summary>Keys with a send in flight (for tests).</summary>
    public int Keys
    {
        get
        {
            lock (_gate)
            {
                return _counts.Count;
            }
        }
    }

    /// <summary>Counts one more send for <paramref name="key"/> unless it already holds its share. An empty key is not limited.</summary>
    public bool TryEnter(string key)
    {
        if (key.Length == 0)
        {
            return true;
        }

        lock (_gate)
        {
            var held = _counts.GetValueOrDefault(key);
            if (held >= share)
            {
                return false;
            }

            _counts[key] = held + 1;
            return true;
        }
    }

    /// <summary>Gives back one send of <paramref name="key"/>.</summary>
    public void Leave(string key)
    {
        if (key.Length == 0)
        {
            return;
        }

        lock (_gate)
        {
            var held = _counts[key] - 1;
            if (held == 0)
            {
                _counts.Remove(key);
            }
            else
            {
                _counts[key] = held;
            }
        }
    }
}
