namespace PyrycodeRelay.Hosting;

/// <summary>A listener could not be bound: which one (<c>host:port</c> as configured) and the Go-style error.</summary>
internal sealed class ListenerBindException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ListenerBindException(string address, string error, Exception? inner = null)
        : base("relay: listener " + address + " failed: " + error, inner)
    {
        Address = address;
        Error = error;
    }

    /// <summary>Creates an empty exception (serialization pattern).</summary>
    public ListenerBindException()
        : this("", "")
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    public ListenerBindException(string message)
        : this("", message)
    {
    }

    /// <summary>Creates an exception with a message and an inner exception.</summary>
    public ListenerBindException(string message, Exception inner)
        : this("", message, inner)
    {
    }

    /// <summary>The listener address as configured (<c>host:port</c>).</summary>
    public string Address { get; }

    /// <summary><c>listen tcp &lt;addr&gt;: bind: …</c>.</summary>
    public string Error { get; }
}
