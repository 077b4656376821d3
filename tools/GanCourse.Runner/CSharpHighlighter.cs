using System.Net;
using System.Text;

namespace GanCourse.Runner;

/// <summary>
/// A small C# tokenizer for the HTML export's code cells: wraps keywords (<c>k</c>), strings and chars (<c>s</c>,
/// including verbatim, interpolated and raw strings, roughly), comments (<c>c</c>), numbers (<c>n</c>), types
/// (<c>t</c>: capitalised identifiers that are not method calls) and directives (<c>d</c>: lines starting with
/// <c>#</c>, e.g. <c>#r</c>, <c>#!</c>, <c>#:</c>) in spans; everything is HTML-encoded. Not a parser: a wrong
/// colour on odd code is harmless, lost text is not, so every character of the input is emitted exactly once.
/// </summary>
public static class CSharpHighlighter
{
    static readonly HashSet<string> Keywords =
    [
        "abstract", "as", "base", "bool", "break", "byte", "case", "catch", "char", "checked", "class", "const", "continue",
        "decimal", "default", "delegate", "do", "double", "else", "enum", "event", "explicit", "extern", "false", "finally",
        "fixed", "float", "for", "foreach", "goto", "if", "implicit", "in", "int", "interface", "internal", "is", "lock",
        "long", "namespace", "new", "null", "object", "operator", "out", "override", "params", "private", "protected",
        "public", "readonly", "ref", "return", "sbyte", "sealed", "short", "sizeof", "stackalloc", "static", "string",
        "struct", "switch", "this", "throw", "true", "try", "typeof", "uint", "ulong", "unchecked", "unsafe", "ushort",
        "using", "virtual", "void", "volatile", "while",
        // contextual keywords the course uses
        "var", "async", "await", "record", "init", "get", "set", "yield", "nameof", "when", "and", "or", "not", "with",
        "required", "global", "dynamic", "nint", "nuint", "file", "scoped", "value", "where", "select", "from", "let",
    ];

    public static string Highlight(string code)
    {
        var sb = new StringBuilder(code.Length * 2);
        int i = 0, n = code.Length;
        bool lineStart = true;
        string? prevWord = null;
        while (i < n)
        {
            char ch = code[i];
            if (ch == '\n') { sb.Append('\n'); i++; lineStart = true; continue; }
            if (ch is ' ' or '\t' or '\r') { sb.Append(ch); i++; continue; }
            if (lineStart && ch == '#')
            {
                int end = code.IndexOf('\n', i);
                if (end < 0) end = n;
                Span(sb, "d", code[i..end]);
                i = end;
                continue;
            }
            lineStart = false;
            if (ch == '/' && i + 1 < n && code[i + 1] == '/')
            {
                int end = code.IndexOf('\n', i);
                if (end < 0) end = n;
                Span(sb, "c", code[i..end]);
                i = end;
                continue;
            }
            if (ch == '/' && i + 1 < n && code[i + 1] == '*')
            {
                int end = code.IndexOf("*/", i + 2, StringComparison.Ordinal);
                end = end < 0 ? n : end + 2;
                Span(sb, "c", code[i..end]);
                i = end;
                continue;
            }
            if (StringEnd(code, i) is { } sendRaw)
            {
                int send = Math.Min(n, sendRaw);
                Span(sb, "s", code[i..send]);
                i = send;
                prevWord = null;
                continue;
            }
            if (ch == '\'')
            {
                int j = i + 1;
                    while (j < n && code[j] != '\'' && code[j] != '\n') j += code[j] == '\\' ? 2 : 1;
                j = Math.Min(n, j + 1);
                Span(sb, "s", code[i..j]);
                i = j;
                continue;
            }
            if (char.IsAsciiDigit(ch) || (ch == '.' && i + 1 < n && char.IsAsciiDigit(code[i + 1]) && (i == 0 || !IsIdent(code[i - 1]))))
            {
                int j = NumberEnd(code, i);
                Span(sb, "n", code[i..j]);
                i = j;
                continue;
            }
            if (ch == '_' || char.IsLetter(ch) || (ch == '@' && i + 1 < n && (char.IsLetter(code[i + 1]) || code[i + 1] == '_')))
            {
                int j = i + 1;
                while (j < n && IsIdent(code[j])) j++;
                var word = code[i..j];
                int k = j;
                while (k < n && code[k] is ' ' or '\t') k++;
                bool call = k < n && code[k] == '(';
                if (Keywords.Contains(word)) Span(sb, "k", word);
                else if (char.IsUpper(word[0]) && (!call || prevWord is "new")) Span(sb, "t", word);
                else sb.Append(WebUtility.HtmlEncode(word));
                prevWord = word;
                i = j;
                continue;
            }
            sb.Append(WebUtility.HtmlEncode(ch.ToString()));
            if (ch is not ('.' or '?')) prevWord = null;
            i++;
        }
        return sb.ToString();
    }

    static bool IsIdent(char c) => c == '_' || char.IsLetterOrDigit(c);

    static void Span(StringBuilder sb, string cls, string text) =>
        sb.Append("<span class=\"").Append(cls).Append("\">").Append(WebUtility.HtmlEncode(text)).Append("</span>");

    static int NumberEnd(string s, int i)
    {
        int n = s.Length, j = i;
        if (j + 1 < n && s[j] == '0' && s[j + 1] is 'x' or 'X' or 'b' or 'B')
        {
            j += 2;
            while (j < n && (char.IsAsciiHexDigit(s[j]) || s[j] == '_')) j++;
        }
        else
        {
            while (j < n && (char.IsAsciiDigit(s[j]) || s[j] == '_')) j++;
            if (j + 1 < n && s[j] == '.' && char.IsAsciiDigit(s[j + 1]))
                for (j++; j < n && (char.IsAsciiDigit(s[j]) || s[j] == '_'); j++) { }
            if (j < n && s[j] is 'e' or 'E')
            {
                int k = j + 1;
                if (k < n && s[k] is '+' or '-') k++;
                if (k < n && char.IsAsciiDigit(s[k]))
                    for (j = k; j < n && char.IsAsciiDigit(s[j]); j++) { }
            }
        }
        while (j < n && s[j] is 'f' or 'F' or 'd' or 'D' or 'm' or 'M' or 'u' or 'U' or 'l' or 'L') j++;
        return j;
    }

    /// <summary>If a string literal starts at <paramref name="i"/> (any of "", @"", $"", $@"", @$"", """raw""", $"""..."""), its end.</summary>
    static int? StringEnd(string s, int i)
    {
        int n = s.Length, j = i;
        bool verbatim = false, interp = false;
        while (j < n && s[j] is '$' or '@')
        {
            if (s[j] == '@') verbatim = true; else interp = true;
            j++;
        }
        if (j >= n || s[j] != '"') return null;
        int quotes = 0;
        while (j + quotes < n && s[j + quotes] == '"') quotes++;
        if (quotes >= 3)
        {
            // raw string literal: closes at the same run of quotes
            var fence = new string('"', quotes);
            int close = s.IndexOf(fence, j + quotes, StringComparison.Ordinal);
            return close < 0 ? n : close + quotes;
        }
        j++; // past the opening quote
        int depth = 0;
        while (j < n)
        {
            char c = s[j];
            if (interp && c == '{')
            {
                if (depth == 0 && j + 1 < n && s[j + 1] == '{') { j += 2; continue; }
                depth++; j++; continue;
            }
            if (interp && c == '}' && depth > 0) { depth--; j++; continue; }
            if (depth > 0)
            {
                // a nested string inside an interpolation hole
                if (c == '"' && StringEnd(s, j) is { } inner) { j = Math.Min(n, inner); continue; }
                if (c == '\n' && !verbatim) return j;
                j++;
                continue;
            }
            if (c == '\\' && !verbatim) { j += 2; continue; }
            if (c == '"')
            {
                if (verbatim && j + 1 < n && s[j + 1] == '"') { j += 2; continue; }
                return j + 1;
            }
            if (c == '\n' && !verbatim) return j; // unterminated: stop at the line end
            j++;
        }
        return n;
    }
}
