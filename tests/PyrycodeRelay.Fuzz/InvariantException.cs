namespace PyrycodeRelay.Fuzz;

/// <summary>A violated invariant: the relay produced an outcome the spec does not allow for the input.</summary>
internal sealed class InvariantException : Exception
{
    /// <summary>Creates the exception.</summary>
    public InvariantException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public InvariantException()
    {
    }

    /// <summary>Creates the exception.</summary>
    public InvariantException(string message, Exception inner)
        : base(message, inner)
    {
    }

    /// <summary>Throws unless <paramref name="condition"/> holds.</summary>
    public static void Check(bool condition, string message)
    {
        if (!condition)
        {
            throw new InvariantException(message);
        }
    }
}
