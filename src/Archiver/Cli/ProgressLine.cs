using System.Globalization;
using System.Text;

namespace Archiver.Cli;

/// <summary>
/// The live progress line on stderr of <c>archive</c>, <c>sweep</c>, <c>restore</c> and <c>cat</c>:
/// bytes done of the total, rate and time left, overall and for each item (directory) in flight.
/// Redrawn in place (<c>\r</c>) at most every <see cref="Interval"/>, so counting stays cheap on the
/// hot path; shown only when stderr is a terminal and not with <c>--json</c> (<see cref="ForStderr"/>).
/// Thread-safe: items advance from several compressing threads.
/// </summary>
public sealed class ProgressLine(TextWriter writer, TimeProvider clock, int width = 79)
{
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);

    private sealed class Item(long total)
    {
        public long Total { get; } = total;
        public long Done { get; set; }
        public bool Finished { get; set; }
        public long Shown => Finished ? Total : Math.Min(Done, Total);
    }

    private readonly Dictionary<string, Item> _items = new(StringComparer.Ordinal);
    private readonly List<string> _order = [];
    private readonly object _gate = new();
    private readonly long _start = clock.GetTimestamp();
    private long _lastDraw;
    private bool _shown;

    /// <summary>A line on stderr; null when stderr is not a terminal or the output is JSON.</summary>
    public static ProgressLine? ForStderr(bool json, TimeProvider clock) =>
        json || !Terminal.ErrorIsInteractive ? null : new ProgressLine(Terminal.Error, clock, Terminal.ErrorWidth - 1);

    /// <summary>Announces an item of <paramref name="total"/> bytes (before any of it is done).</summary>
    public void Expect(string name, long total)
    {
        lock (_gate)
        {
            if (_items.TryAdd(name, new Item(Math.Max(0, total)))) _order.Add(name);
        }
    }

    /// <summary><paramref name="bytes"/> more of <paramref name="name"/> are done; redraws when the
    /// line is older than <see cref="Interval"/>.</summary>
    public void Add(string name, long bytes)
    {
        lock (_gate)
        {
            if (!_items.TryGetValue(name, out var item))
            {
                _items[name] = item = new Item(0);
                _order.Add(name);
            }
            item.Done += bytes;
            if (!_shown || clock.GetElapsedTime(_lastDraw) >= Interval) Draw();
        }
    }

    /// <summary>The item is over (done, skipped or failed): it counts as done and leaves the line.</summary>
    public void Finished(string name)
    {
        lock (_gate)
        {
            if (_items.TryGetValue(name, out var item)) item.Finished = true;
            if (_shown) Draw();
        }
    }

    /// <summary>Erases the line, so other output starts at the left; the next update draws it again.</summary>
    public void Clear()
    {
        lock (_gate)
        {
            if (!_shown) return;
            writer.Write("\r" + new string(' ', width) + "\r");
            _shown = false;
        }
    }

    /// <summary>Draws the last state and moves to the next line (when anything was shown).</summary>
    public void End()
    {
        lock (_gate)
        {
            if (!_shown) return;
            Draw();
            writer.WriteLine();
            writer.Flush();
            _shown = false;
        }
    }

    /// <summary>The line as it is now: <c>12.0 MiB of 40.0 MiB (30%), 4.0 MiB/s, ETA 0:07; web-0 2.0 MiB of 8.0 MiB</c>.</summary>
    public string Text()
    {
        lock (_gate)
        {
            var total = _items.Values.Sum(i => i.Total);
            var done = _items.Values.Sum(i => i.Shown);
            var seconds = clock.GetElapsedTime(_start).TotalSeconds;
            var rate = seconds > 0 ? done / seconds : 0;
            var sb = new StringBuilder($"{Terminal.Bytes(done)} of {Terminal.Bytes(total)} ({Percent(done, total)}%), {Terminal.Bytes((long)rate)}/s, ETA {Eta(total - done, rate)}");
            if (_items.Count > 1)
                foreach (var name in _order.Where(n => _items[n] is { Finished: false, Done: > 0 }))
                    sb.Append($"; {FileSystem.FileName.Printable(name)} {Terminal.Bytes(_items[name].Shown)} of {Terminal.Bytes(_items[name].Total)}");
            return sb.ToString();
        }
    }

    private void Draw()
    {
        var text = "  " + Text();
        writer.Write("\r" + (text.Length > width ? text[..width] : text.PadRight(width)));
        writer.Flush();
        _lastDraw = clock.GetTimestamp();
        _shown = true;
    }

    private static long Percent(long done, long total) => total == 0 ? 100 : done * 100 / total;

    private static string Eta(long left, double rate)
    {
        if (left <= 0) return "0:00";
        if (rate <= 0) return "?";
        var t = TimeSpan.FromSeconds(Math.Min(left / rate, TimeSpan.FromDays(99).TotalSeconds));
        return t.TotalHours >= 1
            ? ((int)t.TotalHours).ToString(CultureInfo.InvariantCulture) + t.ToString(@"\:mm\:ss", CultureInfo.InvariantCulture)
            : t.ToString(@"m\:ss", CultureInfo.InvariantCulture);
    }
}
