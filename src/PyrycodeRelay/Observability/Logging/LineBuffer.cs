using System.Buffers;

namespace PyrycodeRelay.Observability.Logging;

/// <summary>
/// A growable character buffer rented from <see cref="ArrayPool{T}.Shared"/>, used to build one log line
/// without intermediate strings. Pass it by <c>ref</c>; call <see cref="Dispose"/> exactly once.
/// </summary>
internal ref struct LineBuffer
{
    private char[] _array;
    private int _length;

    /// <summary>Rents a buffer of at least <paramref name="initialCapacity"/> characters.</summary>
    public LineBuffer(int initialCapacity)
    {
        _array = ArrayPool<char>.Shared.Rent(initialCapacity);
        _length = 0;
    }

    /// <summary>The characters written so far.</summary>
    public readonly ReadOnlySpan<char> Written => _array.AsSpan(0, _length);

    /// <summary>Number of characters written so far.</summary>
    public readonly int Length => _length;

    /// <summary>Appends one character.</summary>
    public void Append(char c)
    {
        if (_length == _array.Length)
        {
            Grow(1);
        }

        _array[_length++] = c;
    }

    /// <summary>Appends characters.</summary>
    public void Append(scoped ReadOnlySpan<char> text)
    {
        if (_array.Length - _length < text.Length)
        {
            Grow(text.Length);
        }

        text.CopyTo(_array.AsSpan(_length));
        _length += text.Length;
    }

    /// <summary>A writable span of at least <paramref name="sizeHint"/> characters; commit with <see cref="Advance"/>.</summary>
    public Span<char> GetSpan(int sizeHint)
    {
        if (_array.Length - _length < sizeHint)
        {
            Grow(sizeHint);
        }

        return _array.AsSpan(_length);
    }

    /// <summary>Commits <paramref name="count"/> characters written into the span from <see cref="GetSpan"/>.</summary>
    public void Advance(int count) => _length += count;

    /// <summary>Returns the rented array to the pool.</summary>
    public void Dispose()
    {
        var array = _array;
        _array = [];
        _length = 0;
        if (array.Length > 0)
        {
            ArrayPool<char>.Shared.Return(array);
        }
    }

    private void Grow(int additional)
    {
        var next = ArrayPool<char>.Shared.Rent(Math.Max(_array.Length * 2, _length + additional));
        _array.AsSpan(0, _length).CopyTo(next);
        var old = _array;
        _array = next;
        if (old.Length > 0)
        {
            ArrayPool<char>.Shared.Return(old);
        }
    }
}
