using System.Text;

namespace PyrycodeRelay.Tests.EndToEnd;

/// <summary>A thread-safe <see cref="TextWriter"/> collecting the relay's formatted log lines.</summary>
internal sealed class LogText : TextWriter
{
    private readonly StringBuilder _text = new();

    public override Encoding Encoding => Encoding.UTF8;

    /// <summary>Everything written so far.</summary>
    public string Text
    {
        get
        {
            lock (_text)
            {
                return _text.ToString();
            }
        }
    }

    /// <summary>The complete lines written so far.</summary>
    public IReadOnlyList<string> Lines
    {
        get
        {
            var text = Text;
            var end = text.LastIndexOf('\n');
            return end < 0 ? [] : text[..end].Split('\n');
        }
    }

    public override void Write(char value)
    {
        lock (_text)
        {
            _text.Append(value);
        }
    }

    public override void Write(string? value)
    {
        lock (_text)
        {
            _text.Append(value);
        }
    }

    public override void Write(char[] buffer, int index, int count)
    {
        lock (_text)
        {
            _text.Append(buffer, index, count);
        }
    }

    public override void Write(ReadOnlySpan<char> buffer)
    {
        lock (_text)
        {
            _text.Append(buffer);
        }
    }
}
