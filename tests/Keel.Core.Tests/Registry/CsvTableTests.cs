using System.Text;
using Keel.Registry;

namespace Keel.Core.Tests.Registry;

/// <summary>The CSV reader keel deploy profiles training data with: header names as every Keel CSV reader reads them (issue 17, failure 8).</summary>
public sealed class CsvTableTests
{
    [Theory]
    [InlineData(",age,plan\n0,41,basic\n1,37,\"pro, annual\"\n")]
    [InlineData("Unnamed: 0,age,plan\r\n0,41,basic\r\n1,37,\"pro, annual\"\r\n")]
    public void Read_PandasIndexColumn_IsDroppedAsARowIndex(string text)
    {
        CsvTable table = CsvTable.Read(new MemoryStream(Encoding.UTF8.GetBytes(text)), "train.csv");

        Assert.Equal(["age", "plan"], table.Columns);
        Assert.Equal(["41", "basic"], table.Rows[0]);
        Assert.Equal(["37", "pro, annual"], table.Rows[1]);
    }

    [Fact]
    public void Read_UnnamedColumnAfterTheFirst_RefusedNamingItsPosition()
    {
        var e = Assert.Throws<KeelException>(() => CsvTable.Read(new MemoryStream("age,,plan\n1,2,basic\n"u8.ToArray()), "train.csv"));

        Assert.Equal("train.csv:1: column 2 of the header has no name; name it or remove the column (only an unnamed first column is read, as a row index)", e.Message);
    }
}
