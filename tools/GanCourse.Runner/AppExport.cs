using System.Text;
using System.Text.Json.Nodes;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace GanCourse.Runner;

/// <summary>
/// Turns each notebook into a C# file-based app (notebooks/apps/NN-name.cs, run with <c>dotnet run</c>), so a lesson
/// runs with no notebook host. Cells are C# script, parsed with Roslyn (<see cref="SourceCodeKind.Script"/>):
/// <list type="bullet">
/// <item><c>#r "../lib/bin/GanCourse.dll"</c> becomes <c>#:project</c> directives; <c>using</c> directives are hoisted to the top;</item>
/// <item>a cell's trailing expression (no semicolon: the notebook displays its value) becomes <c>display(expr);</c>, and
/// <c>display</c> is <see cref="NotebookApp.display"/>, which writes the same HTML report the runner writes;</item>
/// <item>script methods become local functions, type declarations move after the top-level statements;</item>
/// <item>a variable a later cell declares again (legal in a notebook, not in one program) is renamed from that cell on,
/// and a block-scoped variable whose name is also a top-level variable is renamed inside its block;</item>
/// <item>markdown cells become comments, and each code cell starts with <c>NotebookApp.Cell(n)</c> (n counts all cells from 1).</item>
/// </list>
/// The apps are committed; a test regenerates them in memory and fails when one is out of date (<see cref="OutOfDate"/>).
/// </summary>
public static class AppExport
{
    public const string Command = "dotnet run --project tools/GanCourse.Runner -- --export-apps";
    const string LibraryReference = "../lib/bin/GanCourse.dll";

    public static string AppsDir(string repoRoot) => Path.Combine(repoRoot, "notebooks", "apps");
    public static string AppPath(string repoRoot, string name) => Path.Combine(AppsDir(repoRoot), name + ".cs");

    /// <summary>Writes every notebook's app; returns the names of the apps whose text changed.</summary>
    public static IReadOnlyList<string> ExportAll(string repoRoot)
    {
        Directory.CreateDirectory(AppsDir(repoRoot));
        var changed = new List<string>();
        foreach (var name in NotebookRunner.AllNotebooks(repoRoot))
        {
            var text = Generate(name, File.ReadAllText(Path.Combine(repoRoot, "notebooks", name + ".ipynb")));
            var path = AppPath(repoRoot, name);
            if (File.Exists(path) && File.ReadAllText(path) == text) continue;
            File.WriteAllText(path, text);
            changed.Add(name);
        }
        return changed;
    }

    /// <summary>The notebooks whose committed app is missing or differs from what <see cref="Generate"/> makes now.</summary>
    public static IReadOnlyList<string> OutOfDate(string repoRoot) =>
        NotebookRunner.AllNotebooks(repoRoot).Where(name =>
        {
            var path = AppPath(repoRoot, name);
            var text = Generate(name, File.ReadAllText(Path.Combine(repoRoot, "notebooks", name + ".ipynb")));
            return !File.Exists(path) || File.ReadAllText(path).ReplaceLineEndings("\n") != text;
        }).ToList();

    sealed record CodeCell(int Number, CompilationUnitSyntax Unit);

    /// <summary>The file-based app of one notebook, as text (LF line endings).</summary>
    public static string Generate(string name, string ipynbJson)
    {
        var nb = JsonNode.Parse(ipynbJson) ?? throw new RunnerException($"{name}: notebook is not JSON");
        var cells = nb["cells"]?.AsArray() ?? [];
        var options = new CSharpParseOptions(LanguageVersion.Preview, DocumentationMode.None, SourceCodeKind.Script);

        // 1. Parse every code cell as a script submission.
        var parsed = new List<(int Number, string? Markdown, CompilationUnitSyntax? Unit)>();
        for (int i = 0; i < cells.Count; i++)
        {
            var cell = cells[i]!;
            var source = Source(cell).ReplaceLineEndings("\n");
            if ((string?)cell["cell_type"] == "markdown") { parsed.Add((i + 1, source, null)); continue; }
            if ((string?)cell["cell_type"] != "code") continue;
            var lines = source.Split('\n').ToList();
            for (int l = 0; l < lines.Count; l++)
            {
                var t = lines[l].Trim();
                if (!t.StartsWith("#r ", StringComparison.Ordinal) && !t.StartsWith("#!", StringComparison.Ordinal)) continue;
                if (t.StartsWith("#r ", StringComparison.Ordinal) && !t.Contains(LibraryReference, StringComparison.Ordinal))
                    throw new RunnerException($"{name}, cell {i + 1}: only `#r \"{LibraryReference}\"` can be exported to an app, not `{t}`.");
                lines[l] = "";
            }
            var tree = CSharpSyntaxTree.ParseText(string.Join('\n', lines), options);
            var errors = tree.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
            if (errors.Count > 0)
                throw new RunnerException($"{name}, cell {i + 1}: {errors[0].GetMessage(System.Globalization.CultureInfo.InvariantCulture)} ({errors[0].Location.GetLineSpan().StartLinePosition})");
            parsed.Add((i + 1, null, (CompilationUnitSyntax)tree.GetRoot()));
        }
        var code = parsed.Where(p => p.Unit is not null).Select(p => new CodeCell(p.Number, p.Unit!)).ToList();

        // 2. Names that would clash in one program.
        var renamed = Rename(code);

        // 3. Emit.
        var usings = new List<string>();
        foreach (var c in renamed)
            foreach (var u in c.Unit.Usings)
            {
                var text = u.WithoutTrivia().NormalizeWhitespace().ToFullString();
                if (!usings.Contains(text)) usings.Add(text);
            }
        var types = new StringBuilder();
        var body = new StringBuilder();
        var byNumber = renamed.ToDictionary(c => c.Number);
        foreach (var (number, markdown, _) in parsed)
        {
            if (markdown is not null)
            {
                body.Append('\n');
                foreach (var line in markdown.TrimEnd('\n').Split('\n'))
                    body.Append(line.Length == 0 ? "//" : "// " + line).Append('\n');
                continue;
            }
            var unit = byNumber[number].Unit;
            body.Append('\n').Append($"NotebookApp.Cell({number});\n");
            var cellText = new StringBuilder();
            var members = unit.Members;
            for (int m = 0; m < members.Count; m++)
            {
                var member = members[m];
                switch (member)
                {
                    case BaseTypeDeclarationSyntax or DelegateDeclarationSyntax:
                        types.Append('\n').Append($"// from cell {number}\n").Append(member.ToFullString().Trim('\n')).Append('\n');
                        break;
                    case GlobalStatementSyntax { Statement: ExpressionStatementSyntax { SemicolonToken.IsMissing: true } vs } when m == members.Count - 1 && IsVoidCall(vs.Expression):
                        // Console.WriteLine(...) or display(...) without a semicolon: nothing more to display
                        cellText.Append(vs.WithSemicolonToken(SyntaxFactory.Token(SyntaxKind.SemicolonToken)).ToFullString());
                        break;
                    case GlobalStatementSyntax { Statement: ExpressionStatementSyntax { SemicolonToken.IsMissing: true } es } when m == members.Count - 1:
                        cellText.Append(es.GetLeadingTrivia().ToFullString())
                            .Append("display(").Append(es.Expression.WithoutTrivia().ToFullString()).Append(");")
                            .Append(es.Expression.GetTrailingTrivia().ToFullString());
                        break;
                    case FieldDeclarationSyntax { Modifiers.Count: 0 } or FieldDeclarationSyntax { Modifiers: [{ RawKind: (int)SyntaxKind.ConstKeyword }] }:
                        // a script variable (`var x = ...;` at the top of a cell): the same text is a local declaration
                        cellText.Append(member.ToFullString());
                        break;
                    case GlobalStatementSyntax or MethodDeclarationSyntax:
                        cellText.Append(member.ToFullString());
                        break;
                    default:
                        throw new RunnerException($"{name}, cell {number}: a {member.Kind()} at the top of a cell cannot be exported to an app.");
                }
            }
            // comments after the cell's last statement
            cellText.Append(unit.EndOfFileToken.LeadingTrivia.Where(t => t.IsKind(SyntaxKind.SingleLineCommentTrivia) || t.IsKind(SyntaxKind.MultiLineCommentTrivia))
                .Aggregate("", (s, t) => s + t.ToFullString() + "\n"));
            var text = cellText.ToString().ReplaceLineEndings("\n").Trim('\n');
            if (text.Length > 0) body.Append(text).Append('\n');
        }

        var sb = new StringBuilder();
        sb.Append($"// Generated from {name}.ipynb by `{Command}`; do not edit: change the notebook and regenerate.\n");
        sb.Append($"// Runs the lesson with no notebook host:  dotnet run notebooks/apps/{name}.cs\n");
        sb.Append($"// GANCOURSE_PROFILE=ci|cpu|gpu picks the profile; the displayed values go to output/apps/{name}.html.\n");
        sb.Append("#:project ../../lib/GanCourse/GanCourse.csproj\n");
        sb.Append("#:project ../../tools/GanCourse.Runner/GanCourse.Runner.csproj\n");
        sb.Append("#:property PublishAot=false\n");
        sb.Append("#:property CreateHardLinksForCopyLocalIfPossible=true\n");
        sb.Append("#:property NoWarn=$(NoWarn);CS8600;CS8601;CS8602;CS8603;CS8604;CS8618;CS8625;CS8632\n");
        sb.Append('\n');
        foreach (var u in usings) sb.Append(u).Append('\n');
        sb.Append("using GanCourse.Runner;\n");
        sb.Append("using static GanCourse.Runner.NotebookApp; // display(...), as in a notebook\n");
        sb.Append('\n');
        sb.Append($"NotebookApp.Start(\"{name}\", \"{NotebookApp.Fingerprint(ipynbJson)}\");\n");
        sb.Append(body);
        sb.Append('\n').Append("NotebookApp.End();\n");
        if (types.Length > 0) sb.Append("\n// Types the notebook declares (a file-based app declares them after its statements).\n").Append(types);
        return sb.ToString();
    }

    /// <summary>A trailing call that shows its result already or returns nothing: Console.Write[Line](...), display(...).</summary>
    static bool IsVoidCall(ExpressionSyntax e) => e is InvocationExpressionSyntax inv && inv.Expression switch
    {
        MemberAccessExpressionSyntax { Expression: var target, Name.Identifier.ValueText: "WriteLine" or "Write" } =>
            target.ToString() is "Console" or "System.Console" or "Console.Out" or "Console.Error",
        IdentifierNameSyntax { Identifier.ValueText: "display" } => true,
        _ => false,
    };

    // ---- renaming -------------------------------------------------------------------------------------------

    /// <summary>Renames what would clash once all cells are one top-level program.</summary>
    static List<CodeCell> Rename(List<CodeCell> cells)
    {
        var used = new HashSet<string>(cells.SelectMany(c => c.Unit.DescendantTokens()).Where(t => t.IsKind(SyntaxKind.IdentifierToken)).Select(t => t.ValueText));
        string Fresh(string n)
        {
            for (int k = 2; ; k++)
                if (used.Add(n + k)) return n + k;
        }

        // (1) a top-level name declared again in a later cell: the later declaration and everything after it use a new name
        var current = new Dictionary<string, string>(); // notebook name -> name in the program from this cell on
        var cellRenames = new List<Dictionary<string, string>>();
        foreach (var c in cells)
        {
            foreach (var n in TopLevelNames(c.Unit))
                current[n] = current.ContainsKey(n) ? Fresh(n) : n;
            cellRenames.Add(current.Where(kv => kv.Key != kv.Value).ToDictionary());
        }
        var topLevel = new HashSet<string>(current.Keys.Concat(current.Values));

        var result = new List<CodeCell>();
        for (int i = 0; i < cells.Count; i++)
        {
            var unit = cells[i].Unit;
            // (2) block-scoped variables (outside lambdas and local functions, which may shadow) named like a top-level one
            var scoped = new Dictionary<SyntaxNode, Dictionary<string, string>>();
            foreach (var (token, scope) in NestedDeclarations(unit))
            {
                if (!topLevel.Contains(token.ValueText)) continue;
                if (!scoped.TryGetValue(scope, out var map)) scoped[scope] = map = [];
                if (!map.ContainsKey(token.ValueText)) map[token.ValueText] = Fresh(token.ValueText);
            }
            if (cellRenames[i].Count > 0 || scoped.Count > 0)
                unit = (CompilationUnitSyntax)new Renamer(cellRenames[i], scoped).Visit(unit);
            result.Add(cells[i] with { Unit = unit });
        }
        return result;
    }

    /// <summary>Names a cell declares at its top level: variables (also out and pattern variables of top-level statements) and methods.</summary>
    static IEnumerable<string> TopLevelNames(CompilationUnitSyntax unit)
    {
        foreach (var member in unit.Members)
        {
            if (member is MethodDeclarationSyntax m) { yield return m.Identifier.ValueText; continue; }
            if (member is FieldDeclarationSyntax f)
            {
                foreach (var v in f.Declaration.Variables) yield return v.Identifier.ValueText;
                foreach (var d in f.DescendantNodes(n => !IsFunction(n) && !IsOwnScope(n)).OfType<SingleVariableDesignationSyntax>())
                    yield return d.Identifier.ValueText;
                continue;
            }
            if (member is not GlobalStatementSyntax { Statement: var s }) continue;
            if (s is LocalFunctionStatementSyntax lf) { yield return lf.Identifier.ValueText; continue; }
            if (s is LocalDeclarationStatementSyntax ld)
                foreach (var v in ld.Declaration.Variables) yield return v.Identifier.ValueText;
            if (s is LocalDeclarationStatementSyntax or ExpressionStatementSyntax)
                foreach (var d in s.DescendantNodes(n => !IsFunction(n) && !IsOwnScope(n)).OfType<SingleVariableDesignationSyntax>())
                    yield return d.Identifier.ValueText;
        }
    }

    /// <summary>Variables declared in nested scopes of top-level statements (not inside lambdas or local functions), with the scope they live in.</summary>
    static IEnumerable<(SyntaxToken Token, SyntaxNode Scope)> NestedDeclarations(CompilationUnitSyntax unit)
    {
        foreach (var s in unit.Members.OfType<GlobalStatementSyntax>().Select(g => g.Statement))
            foreach (var node in s.DescendantNodesAndSelf(n => !IsFunction(n)))
            {
                var id = node switch
                {
                    ForEachStatementSyntax fe => fe.Identifier,
                    CatchDeclarationSyntax cd => cd.Identifier,
                    VariableDeclaratorSyntax vd => vd.Identifier,
                    SingleVariableDesignationSyntax d => d.Identifier,
                    LocalFunctionStatementSyntax lf => lf.Identifier,
                    _ => default,
                };
                if (!id.IsKind(SyntaxKind.IdentifierToken)) continue;
                var scope = node is ForEachStatementSyntax ? node : ScopeOf(node);
                if (scope is not null) yield return (id, scope);
            }
    }

    static bool IsFunction(SyntaxNode n) => n is AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax or QueryExpressionSyntax or SwitchExpressionArmSyntax;

    static bool IsOwnScope(SyntaxNode n) => n is BlockSyntax or CommonForEachStatementSyntax or ForStatementSyntax or UsingStatementSyntax or IfStatementSyntax
        or WhileStatementSyntax or DoStatementSyntax or SwitchSectionSyntax or CatchClauseSyntax or FixedStatementSyntax or LockStatementSyntax
        or AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax;

    /// <summary>The innermost statement or block a nested declaration is scoped to (null at the top level of a cell).</summary>
    static SyntaxNode? ScopeOf(SyntaxNode decl)
    {
        for (var a = decl.Parent; a is not null and not GlobalStatementSyntax; a = a.Parent)
            if (IsOwnScope(a)) return a;
        return null;
    }

    /// <summary>Renames identifiers (declarations and simple-name uses; never member names) by cell and by scope.</summary>
    sealed class Renamer(Dictionary<string, string> cellWide, Dictionary<SyntaxNode, Dictionary<string, string>> scoped) : CSharpSyntaxRewriter
    {
        // scopes are nodes of the original tree: find them by position in the original
        readonly List<(TextSpanKey Span, Dictionary<string, string> Map)> scopes =
            scoped.Select(kv => (new TextSpanKey(kv.Key.SpanStart, kv.Key.Span.End), kv.Value)).OrderByDescending(s => s.Item1.Start).ToList();

        public override SyntaxToken VisitToken(SyntaxToken token)
        {
            if (!token.IsKind(SyntaxKind.IdentifierToken) || !IsRenamable(token)) return token;
            var name = token.ValueText;
            string? to = null;
            int best = int.MaxValue;
            foreach (var (span, map) in scopes)
                if (span.Start <= token.SpanStart && token.Span.End <= span.End && span.End - span.Start < best && map.TryGetValue(name, out var n))
                    (to, best) = (n, span.End - span.Start);
            if (to is null && cellWide.TryGetValue(name, out var c)) to = c;
            return to is null ? token : SyntaxFactory.Identifier(token.LeadingTrivia, to, token.TrailingTrivia);
        }

        static bool IsRenamable(SyntaxToken token) => token.Parent switch
        {
            IdentifierNameSyntax id => id.Parent switch
            {
                MemberAccessExpressionSyntax ma => ma.Expression == id,
                MemberBindingExpressionSyntax => false,
                QualifiedNameSyntax q => q.Left == id,
                NameColonSyntax or NameEqualsSyntax or AliasQualifiedNameSyntax => false,
                AssignmentExpressionSyntax { Parent: InitializerExpressionSyntax init } a when a.Left == id
                    => !init.IsKind(SyntaxKind.ObjectInitializerExpression) && !init.IsKind(SyntaxKind.WithInitializerExpression),
                _ => true,
            },
            GenericNameSyntax g => g.Parent is not MemberAccessExpressionSyntax ma2 || ma2.Expression == g,
            VariableDeclaratorSyntax or SingleVariableDesignationSyntax or ForEachStatementSyntax or CatchDeclarationSyntax
                or LocalFunctionStatementSyntax or MethodDeclarationSyntax or ParameterSyntax
                or FromClauseSyntax or LetClauseSyntax or JoinClauseSyntax or QueryContinuationSyntax => true,
            _ => false,
        };
    }

    readonly record struct TextSpanKey(int Start, int End);

    static string Source(JsonNode cell) => cell["source"] switch
    {
        JsonArray a => string.Concat(a.Select(x => (string?)x)),
        JsonValue v => (string?)v ?? "",
        _ => "",
    };
}
