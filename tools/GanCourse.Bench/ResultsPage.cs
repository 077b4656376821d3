using System.Text.Json.Nodes;
namespace GanCourse.Bench;
public static class ResultsPage
{
    public static string Write(string root, List<JsonObject> records) => throw new NotImplementedException();
}
