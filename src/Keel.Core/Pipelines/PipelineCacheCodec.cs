using Keel.Metadata;
using Keel.Objects;

namespace Keel.Pipelines;

/// <summary>
/// The binary form of <see cref="PipelineCacheFile"/>: plain BinaryWriter fields, versioned by
/// a magic string. Chosen over JSON because a no-op run pays for this on every call.
/// </summary>
internal static class PipelineCacheCodec
{
    private const string Magic = "keel-pipeline-cache-3";

    public static byte[] Encode(PipelineCacheFile c)
    {
        using var buffer = new MemoryStream();
        using (var w = new BinaryWriter(buffer))
        {
            w.Write(Magic);
            w.Write(c.Files.Count);
            foreach (var f in c.Files)
            {
                w.Write(f.Path);
                w.Write(f.Content?.Length ?? -1);
                if (f.Content is not null) w.Write(f.Content);
            }
            w.Write(c.Pipeline.File);
            w.Write(c.Pipeline.Stages.Count);
            foreach (var s in c.Pipeline.Stages) WriteStage(w, s);
            w.Write(c.Pipeline.VarsFiles.Count);
            foreach (var v in c.Pipeline.VarsFiles) w.Write(v);
            w.Write(c.Lock.Count);
            foreach (var l in c.Lock.Values) WriteLocked(w, l);
            w.Write(c.Params.Count);
            foreach (var (file, values) in c.Params)
            {
                w.Write(file);
                w.Write(values.Count);
                foreach (var (k, v) in values)
                {
                    w.Write(k);
                    w.Write(v);
                }
            }
        }
        return buffer.ToArray();
    }

    public static PipelineCacheFile Decode(byte[] bytes)
    {
        using var r = new BinaryReader(new MemoryStream(bytes));
        if (r.ReadString() != Magic) throw new InvalidDataException("not a pipeline cache");
        var files = Repeat(r, () =>
        {
            var path = r.ReadString();
            var length = r.ReadInt32();
            return new SourceFile(path, length < 0 ? null : r.ReadBytes(length));
        });
        var pipeline = new PipelineDefinition(r.ReadString(), Repeat(r, () => ReadStage(r)));
        pipeline = pipeline with { VarsFiles = Repeat(r, r.ReadString) };
        var lockEntries = Repeat(r, () => ReadLocked(r)).ToDictionary(l => l.Name, StringComparer.Ordinal);
        var prms = new Dictionary<string, Dictionary<string, string>>(StringComparer.Ordinal);
        var n = r.ReadInt32();
        for (var i = 0; i < n; i++)
        {
            var file = r.ReadString();
            var m = r.ReadInt32();
            var values = new Dictionary<string, string>(m, StringComparer.Ordinal);
            for (var j = 0; j < m; j++) values[r.ReadString()] = r.ReadString();
            prms[file] = values;
        }
        return new PipelineCacheFile(files, pipeline, lockEntries, prms);
    }

    private static void WriteStage(BinaryWriter w, StageDefinition s)
    {
        w.Write(s.Name);
        w.Write(s.Command);
        w.Write(s.Deps.Count);
        foreach (var d in s.Deps)
        {
            w.Write(d.Path);
            WriteOpt(w, d.DatasetRef);
            WriteSpan(w, d.At);
        }
        w.Write(s.Params.Count);
        foreach (var p in s.Params)
        {
            w.Write(p.File);
            w.Write(p.Key);
            WriteSpan(w, p.At);
        }
        w.Write(s.Outs.Count);
        foreach (var o in s.Outs)
        {
            w.Write(o.Path);
            w.Write(o.Kind);
            w.Write(o.Cache);
            WriteSpan(w, o.At);
        }
        w.Write(s.Seed.HasValue);
        if (s.Seed.HasValue) w.Write(s.Seed.Value);
        w.Write(s.Resources.Cpus);
        w.Write(s.Resources.MemoryBytes);
        w.Write(s.Resources.Gpus);
        w.Write(s.Compare.Count);
        foreach (var c in s.Compare)
        {
            w.Write(c.Path);
            w.Write(c.Method);
            WriteOpt(w, c.Abs);
            WriteOpt(w, c.Rel);
            WriteOpt(w, c.Probe);
            w.Write(c.PerMetricAbs?.Count ?? -1);
            if (c.PerMetricAbs is not null)
            {
                foreach (var (k, v) in c.PerMetricAbs)
                {
                    w.Write(k);
                    w.Write(v);
                }
            }
            WriteSpan(w, c.At);
        }
        WriteSpan(w, s.At);
    }

    private static StageDefinition ReadStage(BinaryReader r)
    {
        var name = r.ReadString();
        var command = r.ReadString();
        var deps = Repeat(r, () => new DepSpec(r.ReadString(), ReadOptString(r), ReadSpan(r)));
        var prms = Repeat(r, () => new ParamRef(r.ReadString(), r.ReadString(), ReadSpan(r)));
        var outs = Repeat(r, () => new OutSpec(r.ReadString(), r.ReadString(), r.ReadBoolean(), ReadSpan(r)));
        int? seed = r.ReadBoolean() ? r.ReadInt32() : null;
        var resources = new StageResources(r.ReadInt32(), r.ReadInt64(), r.ReadInt32());
        var compare = Repeat(r, () =>
        {
            var path = r.ReadString();
            var method = r.ReadString();
            var abs = ReadOptDouble(r);
            var rel = ReadOptDouble(r);
            var probe = ReadOptString(r);
            var count = r.ReadInt32();
            Dictionary<string, double>? per = null;
            if (count >= 0)
            {
                per = new Dictionary<string, double>(count);
                for (var i = 0; i < count; i++) per[r.ReadString()] = r.ReadDouble();
            }
            return new CompareRule(path, method, abs, rel, probe, per, ReadSpan(r));
        });
        return new StageDefinition(name, command, deps, prms, outs, seed, resources, compare, ReadSpan(r));
    }

    private static void WriteLocked(BinaryWriter w, LockedStage l)
    {
        w.Write(l.Name);
        w.Write(l.Command);
        w.Write(l.Recipe.ToString());
        WritePaths(w, l.Deps);
        w.Write(l.Params.Count);
        foreach (var (k, v) in l.Params)
        {
            w.Write(k);
            w.Write(v);
        }
        WritePaths(w, l.Outs);
    }

    private static LockedStage ReadLocked(BinaryReader r) => new(
        r.ReadString(),
        r.ReadString(),
        Digest.Parse(r.ReadString()),
        ReadPaths(r),
        Repeat(r, () => new KeyValuePair<string, string>(r.ReadString(), r.ReadString())),
        ReadPaths(r));

    private static void WritePaths(BinaryWriter w, IReadOnlyList<LockedPath> paths)
    {
        w.Write(paths.Count);
        foreach (var p in paths)
        {
            w.Write(p.Path);
            w.Write(p.Digest.ToString());
            w.Write(p.Kind == TreeKind.File);
            w.Write(p.Bytes);
            w.Write(p.Files);
            WriteOpt(w, p.OutKind);
            WriteOpt(w, p.Dataset);
        }
    }

    private static List<LockedPath> ReadPaths(BinaryReader r) =>
        Repeat(r, () => new LockedPath(r.ReadString(), Digest.Parse(r.ReadString()), r.ReadBoolean() ? TreeKind.File : TreeKind.Directory, r.ReadInt64(), r.ReadInt64(), ReadOptString(r), ReadOptString(r)));

    private static List<T> Repeat<T>(BinaryReader r, Func<T> read)
    {
        var n = r.ReadInt32();
        var list = new List<T>(n);
        for (var i = 0; i < n; i++) list.Add(read());
        return list;
    }

    private static void WriteSpan(BinaryWriter w, SourceSpan s)
    {
        w.Write(s.File);
        w.Write(s.Line);
        w.Write(s.Column);
    }

    private static SourceSpan ReadSpan(BinaryReader r) => new(r.ReadString(), r.ReadInt64(), r.ReadInt64());

    private static void WriteOpt(BinaryWriter w, string? s)
    {
        w.Write(s is not null);
        if (s is not null) w.Write(s);
    }

    private static void WriteOpt(BinaryWriter w, double? d)
    {
        w.Write(d.HasValue);
        if (d.HasValue) w.Write(d.Value);
    }

    private static string? ReadOptString(BinaryReader r) => r.ReadBoolean() ? r.ReadString() : null;

    private static double? ReadOptDouble(BinaryReader r) => r.ReadBoolean() ? r.ReadDouble() : null;
}
