using System.IO.Compression;
using System.Text;
using Keel.Objects;
using Microsoft.ML;

namespace Keel.Models.MLNet;

/// <summary>ML.NET models saved with <c>MLContext.Model.Save</c> (a zip holding the transformer chain and its input schema).</summary>
internal sealed class MLNetFlavor : IModelFlavor
{
    public string Name => "mlnet";

    public ILoadedModel Load(string path)
    {
        var ml = new MLContext(seed: 0);
        try
        {
            using var stream = File.OpenRead(path);
            var transformer = ml.Model.Load(stream, out var schema);
            return new MLNetModel(transformer, schema);
        }
        catch (Exception e) when (e is not KeelException and not OutOfMemoryException)
        {
            throw new KeelException($"'{Path.GetFileName(path)}' is not a loadable ML.NET model: {e.Message}", ExitCodes.Usage, e);
        }
    }

    /// <summary>BLAKE3 over the zip's entries sorted by name, each as (name, length, bytes): timestamps and compression do not matter.</summary>
    public Digest CanonicalDigest(string path)
    {
        try
        {
            using var zip = ZipFile.OpenRead(path);
            using var buffer = new MemoryStream();
            foreach (var entry in zip.Entries.Where(e => !e.FullName.EndsWith('/')).OrderBy(e => e.FullName, StringComparer.Ordinal))
            {
                var name = Encoding.UTF8.GetBytes(entry.FullName);
                buffer.Write(BitConverter.GetBytes(name.Length));
                buffer.Write(name);
                buffer.Write(BitConverter.GetBytes(entry.Length));
                using var s = entry.Open();
                s.CopyTo(buffer);
            }
            return ContentHasher.Hash(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
        }
        catch (InvalidDataException e)
        {
            throw new KeelException($"'{Path.GetFileName(path)}' is not a zip file, so not an ML.NET model: {e.Message}", ExitCodes.Usage, e);
        }
    }
}
