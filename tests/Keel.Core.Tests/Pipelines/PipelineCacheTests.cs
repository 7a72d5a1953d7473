using Keel.Pipelines;

namespace Keel.Core.Tests.Pipelines;

public sealed class PipelineCacheTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private string KeelDir => _dir.File(".keel");

    private void SaveFor(string yaml)
    {
        var source = new SourceFile(PipelineRunner.PipelineFile, System.Text.Encoding.UTF8.GetBytes(yaml));
        var pipeline = PipelineParser.Parse(yaml, PipelineRunner.PipelineFile);
        PipelineCache.Save(KeelDir, [source, new SourceFile(LockFile.FileName, null)], pipeline, [], []);
    }

    [Fact]
    public void TryLoad_FilesAsSaved_ReturnsTheParsedPipeline()
    {
        const string yaml = "stages:\n  a:\n    cmd: echo a\n";
        _dir.Write("keel.yaml", yaml);
        SaveFor(yaml);

        var cached = PipelineCache.TryLoad(_dir.Path, KeelDir);

        Assert.NotNull(cached);
        Assert.Equal("echo a", Assert.Single(cached.Pipeline.Stages).Command);
    }

    [Fact]
    public void TryLoad_KeelYamlRewrittenWithSameSizeAndMtime_Misses()
    {
        // Given a cache of keel.yaml as it was
        const string yaml = "stages:\n  a:\n    cmd: echo a\n";
        var path = _dir.Write("keel.yaml", yaml);
        SaveFor(yaml);
        var mtime = File.GetLastWriteTimeUtc(path);

        // When it is rewritten in the same clock tick: same size, same mtime, other bytes
        File.WriteAllText(path, yaml.Replace("echo a", "echo b", StringComparison.Ordinal));
        File.SetLastWriteTimeUtc(path, mtime);

        // Then the cache is not used
        Assert.Null(PipelineCache.TryLoad(_dir.Path, KeelDir));
    }

    [Fact]
    public void TryLoad_LockFileAppeared_Misses()
    {
        const string yaml = "stages:\n  a:\n    cmd: echo a\n";
        _dir.Write("keel.yaml", yaml);
        SaveFor(yaml);

        _dir.Write("keel.lock", "schema: 1\nstages: {}\n");

        Assert.Null(PipelineCache.TryLoad(_dir.Path, KeelDir));
    }
}
