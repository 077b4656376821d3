using System.Diagnostics;

namespace GanCourse.Runner;

/// <summary>
/// The runner's console line while a notebook runs: which cell (i of n), how long it and the notebook have been
/// running, and the latest status line of the cell's live view (read from the <c>GanCourse.Interactive.RunProgress</c>
/// file). On a terminal the line is redrawn in place every second; in a log (CI) a line is written once a cell has
/// run for <see cref="FirstLogAfter"/> (20 s), then every <see cref="LogEvery"/> (60 s), so short cells stay silent.
/// </summary>
public sealed class CellProgress : IDisposable
{
    public TimeSpan FirstLogAfter { get; }
    public TimeSpan LogEvery { get; }

    readonly string name;
    readonly TextWriter log;
    readonly bool live;
    readonly string? statusFile;
    readonly Stopwatch notebookClock = Stopwatch.StartNew(), cellClock = new();
    readonly Timer timer;
    readonly object gate = new();
    CellStart? current;
    TimeSpan nextLog;
    int drawnWidth;

    /// <param name="live">Redraw one line in place (a terminal) instead of writing lines now and then (a log).</param>
    /// <param name="statusFile">The file the kernel's live views write their progress line to, or null.</param>
    public CellProgress(string name, TextWriter log, bool live, string? statusFile, TimeSpan? firstLogAfter = null, TimeSpan? logEvery = null)
    {
        (this.name, this.log, this.live, this.statusFile) = (name, log, live, statusFile);
        FirstLogAfter = firstLogAfter ?? TimeSpan.FromSeconds(20);
        LogEvery = logEvery ?? TimeSpan.FromSeconds(60);
        var tick = TimeSpan.FromTicks(Math.Min(TimeSpan.FromSeconds(1).Ticks, Math.Max(TimeSpan.FromMilliseconds(50).Ticks, FirstLogAfter.Ticks / 2)));
        timer = new Timer(_ => Tick(), null, tick, tick);
    }

    /// <summary>Called as each code cell starts.</summary>
    public void OnCell(CellStart cell)
    {
        lock (gate)
        {
            current = cell;
            cellClock.Restart();
            nextLog = FirstLogAfter;
            // a new cell starts without the last cell's status
            if (statusFile is not null) try { File.Delete(statusFile); } catch (IOException) { }
            if (live) Draw();
        }
    }

    void Tick()
    {
        lock (gate)
        {
            if (current is null) return;
            if (live) Draw();
            else if (cellClock.Elapsed >= nextLog)
            {
                log.WriteLine(Line());
                log.Flush();
                nextLog += LogEvery;
            }
        }
    }

    void Draw()
    {
        var width = Math.Max(40, SafeWidth() - 1);
        var line = Line();
        if (line.Length > width) line = line[..(width - 1)] + "…";
        log.Write("\r" + line.PadRight(Math.Max(line.Length, drawnWidth)));
        log.Flush();
        drawnWidth = line.Length;
    }

    static int SafeWidth() { try { return Console.WindowWidth > 0 ? Console.WindowWidth : 120; } catch (IOException) { return 120; } }

    /// <summary>The current line, e.g. "  04-dcgan  cell 23 of 48 (code 11/25)  1:05 in cell, 3:12 in notebook  |  DCGAN: step 120/240 ...".</summary>
    public string Line()
    {
        string? status = null;
        if (statusFile is not null)
            try { status = File.Exists(statusFile) ? File.ReadAllText(statusFile).Trim() : null; } catch (IOException) { }
        return Format(name, current!, cellClock.Elapsed, notebookClock.Elapsed, status);
    }

    public static string Format(string notebook, CellStart cell, TimeSpan inCell, TimeSpan inNotebook, string? status) =>
        $"  {notebook}  cell {cell.Cell} of {cell.Cells} (code {cell.CodeCell}/{cell.CodeCells})  {Clock(inCell)} in cell, {Clock(inNotebook)} in notebook"
        + (string.IsNullOrWhiteSpace(status) ? "" : "  |  " + status);

    static string Clock(TimeSpan t) => t.TotalHours >= 1 ? $"{(int)t.TotalHours}:{t:mm\\:ss}" : $"{(int)t.TotalMinutes}:{t:ss}";

    public void Dispose()
    {
        timer.Dispose();
        lock (gate)
        {
            if (live && drawnWidth > 0) { log.Write("\r" + new string(' ', drawnWidth) + "\r"); log.Flush(); }
            current = null;
        }
        if (statusFile is not null) try { File.Delete(statusFile); } catch (IOException) { }
    }
}
