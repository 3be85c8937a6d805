using System.Buffers;

namespace PyrycodeRelay.Fuzz.Oracles;

/// <summary>Builds multi-segment <see cref="ReadOnlySequence{T}"/>s to exercise segment boundaries.</summary>
internal static class Sequences
{
    /// <summary>The bytes as two segments, split at <paramref name="at"/>.</summary>
    public static ReadOnlySequence<byte> Split(ReadOnlySpan<byte> data, int at)
    {
        var first = new Segment(data[..at].ToArray(), 0);
        var second = first.Append(data[at..].ToArray());
        return new ReadOnlySequence<byte>(first, 0, second, second.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
