// Throws from known methods at known call sites; prints each exception as
// Exception.ToString() renders it (what the OTel .NET SDK records) with the frames the
// runtime itself reports (StackTrace(e, true), InnerException) and the expected group.
// Built with Mono's mcs (Debian has no .NET SDK); `Program.exe crash` dies uncaught.
using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Text;

class NotFoundException : Exception { public NotFoundException(string m) : base(m) {} }
class ConfigException : Exception { public ConfigException(string m, Exception inner) : base(m, inner) {} }

static class Program {
  static void LookupUser(string id) { throw new NotFoundException("user " + id + " not found"); }
  static void HandleProfile(string id) { LookupUser(id); }
  static void HandleCheckout(string id) { LookupUser(id); }
  static void Walk(int depth) {
    if (depth == 0) throw new InvalidOperationException("depth exhausted at " + Stopwatch.GetTimestamp());
    Walk(depth - 1);
  }
  static int ParsePayload(string text) { return int.Parse(text); }
  static int LoadConfig(string text) {
    try { return ParsePayload(text); }
    catch (FormatException e) { throw new ConfigException("bad config " + text, e); }
  }
  static List<int> ApplyAll(string[] ids) {
    return ids.Select<string, int>(id => { throw new ArgumentException("cannot apply " + id); }).ToList();
  }

  static string Quote(string s) {
    if (s == null) return "null";
    var b = new StringBuilder("\"");
    foreach (var c in s) {
      if (c == '"' || c == '\\') b.Append('\\').Append(c);
      else if (c == '\n') b.Append("\\n");
      else if (c == '\r') b.Append("\\r");
      else if (c == '\t') b.Append("\\t");
      else if (c < 0x20) b.AppendFormat("\\u{0:x4}", (int) c);
      else b.Append(c);
    }
    return b.Append('"').ToString();
  }

  static string Chain(Exception e) {
    var links = new List<string>();
    for (; e != null; e = e.InnerException) {
      var frames = new StackTrace(e, true).GetFrames() ?? new StackFrame[0];
      var fs = frames.Select(f => {
        var m = f.GetMethod();
        return "{\"module\":" + Quote(m == null || m.DeclaringType == null ? "" : m.DeclaringType.FullName)
          + ",\"function\":" + Quote(m == null ? "" : m.Name)
          + ",\"file\":" + Quote(f.GetFileName() ?? "")
          + ",\"line\":" + (f.GetFileLineNumber() > 0 ? f.GetFileLineNumber().ToString() : "null") + "}";
      });
      links.Add("{\"type\":" + Quote(e.GetType().FullName) + ",\"message\":" + Quote(e.Message) + ",\"frames\":[" + string.Join(",", fs) + "]}");
    }
    return "[" + string.Join(",", links) + "]";
  }

  static void Main(string[] args) {
    if (args.Length > 0 && args[0] == "crash") {
      Console.WriteLine("{\"group\":\"profile\",\"type\":\"NotFoundException\",\"function\":\"LookupUser\"}");
      HandleProfile("42");
    }
    var cases = new List<KeyValuePair<string, Action>> {
      new KeyValuePair<string, Action>("profile", () => HandleProfile("3f1c2a9e-8b7d-4c6e-9a1b-2d3e4f5a6b7c")),
      new KeyValuePair<string, Action>("profile", () => HandleProfile("1234567")),
      new KeyValuePair<string, Action>("checkout", () => HandleCheckout("987")),
      new KeyValuePair<string, Action>("checkout", () => HandleCheckout("alice@example.com")),
      new KeyValuePair<string, Action>("walk", () => Walk(3)),
      new KeyValuePair<string, Action>("walk", () => Walk(7)),
      new KeyValuePair<string, Action>("parse", () => ParsePayload("nope")),
      new KeyValuePair<string, Action>("parse", () => ParsePayload("12x")),
      new KeyValuePair<string, Action>("config", () => LoadConfig("{oops")),
      new KeyValuePair<string, Action>("config", () => LoadConfig("[[[")),
      new KeyValuePair<string, Action>("closure", () => ApplyAll(new[] { "x1" })),
      new KeyValuePair<string, Action>("closure", () => ApplyAll(new[] { "y22", "z" })),
    };
    var results = new List<string>();
    foreach (var c in cases) {
      try { c.Value(); }
      catch (Exception e) {
        results.Add("{\"group\":" + Quote(c.Key) + ",\"type\":" + Quote(e.GetType().FullName) + ",\"message\":" + Quote(e.Message)
          + ",\"chain\":" + Chain(e) + ",\"trace\":" + Quote(e.ToString()) + "}");
      }
    }
    Console.WriteLine("{\"runtime\":\"dotnet\",\"version\":" + Quote("mono " + Environment.Version) + ",\"cases\":[" + string.Join(",\n", results) + "]}");
  }
}
