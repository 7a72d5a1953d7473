using System.Globalization;

namespace Keel.Pipelines;

/// <summary>Reads /proc to sum the resident memory of a process and all its descendants.</summary>
internal static class ProcessTree
{
    public static long ResidentBytes(int rootPid)
    {
        if (!OperatingSystem.IsLinux()) return 0;
        try
        {
            var children = new Dictionary<int, List<int>>();
            foreach (var dir in Directory.EnumerateDirectories("/proc"))
            {
                if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)) continue;
                var ppid = ParentOf(pid);
                if (ppid <= 0) continue;
                if (!children.TryGetValue(ppid, out var list)) children[ppid] = list = [];
                list.Add(pid);
            }
            long total = 0;
            var stack = new Stack<int>();
            stack.Push(rootPid);
            while (stack.Count > 0)
            {
                var pid = stack.Pop();
                total += Rss(pid);
                if (children.TryGetValue(pid, out var kids)) foreach (var k in kids) stack.Push(k);
            }
            return total;
        }
        catch (IOException)
        {
            return 0;
        }
        catch (UnauthorizedAccessException)
        {
            return 0;
        }
    }

    private static int ParentOf(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var close = stat.LastIndexOf(')');
            var fields = stat[(close + 2)..].Split(' ');
            return int.Parse(fields[1], CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return -1;
        }
        catch (UnauthorizedAccessException)
        {
            return -1;
        }
    }

    private static long Rss(int pid)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (!line.StartsWith("VmRSS:", StringComparison.Ordinal)) continue;
                var kb = line[6..].Trim().Split(' ')[0];
                return long.Parse(kb, CultureInfo.InvariantCulture) * 1024;
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
        return 0;
    }
}
