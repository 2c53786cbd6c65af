// Throws from known methods at known call sites; prints each trace as printStackTrace
// writes it (what the OTel Java agent records) with the frames the JVM itself reports
// (getStackTrace, getCause, getSuppressed) and the expected group. `Main crash` dies uncaught.
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.LinkedHashMap;
import java.util.function.Supplier;

public class Main {
  static class NotFoundException extends RuntimeException {
    NotFoundException(String message) { super(message); }
  }

  static class ConfigException extends Exception {
    ConfigException(String message, Throwable cause) { super(message, cause); }
  }

  static void lookupUser(String id) {
    throw new NotFoundException("user " + id + " not found");
  }

  static void handleProfile(String id) { lookupUser(id); }

  static void handleCheckout(String id) { lookupUser(id); }

  static void walk(int depth) {
    if (depth == 0) throw new IllegalStateException("depth exhausted at " + System.nanoTime());
    walk(depth - 1);
  }

  static int parsePayload(String text) { return Integer.parseInt(text); }

  static int loadConfig(String text) throws ConfigException {
    try {
      return parsePayload(text);
    } catch (NumberFormatException e) {
      ConfigException wrapped = new ConfigException("bad config " + text, e);
      wrapped.addSuppressed(new IllegalArgumentException("cleanup failed for " + text));
      throw wrapped;
    }
  }

  static List<Integer> applyAll(List<String> ids) {
    return ids.stream().map(id -> { throw new UnsupportedOperationException("cannot apply " + id); }).map(x -> 1).toList();
  }

  interface Case { void run() throws Exception; }

  static final List<Map.Entry<String, Case>> CASES = List.of(
      Map.entry("profile", () -> handleProfile("3f1c2a9e-8b7d-4c6e-9a1b-2d3e4f5a6b7c")),
      Map.entry("profile", () -> handleProfile("1234567")),
      Map.entry("checkout", () -> handleCheckout("987")),
      Map.entry("checkout", () -> handleCheckout("alice@example.com")),
      Map.entry("walk", () -> walk(3)),
      Map.entry("walk", () -> walk(7)),
      Map.entry("parse", () -> parsePayload("nope")),
      Map.entry("parse", () -> parsePayload("12x")),
      Map.entry("config", () -> loadConfig("{oops")),
      Map.entry("config", () -> loadConfig("[[[")),
      Map.entry("closure", () -> applyAll(List.of("x1"))),
      Map.entry("closure", () -> applyAll(List.of("y22", "z"))));

  static String quote(String s) {
    if (s == null) return "null";
    StringBuilder b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> { if (c < 0x20) b.append(String.format("\\u%04x", (int) c)); else b.append(c); }
      }
    }
    return b.append('"').toString();
  }

  /** printStackTrace order: the throwable, its suppressed (recursively), then its cause. */
  static void chain(Throwable t, String relation, List<String> out) {
    StringBuilder frames = new StringBuilder();
    for (StackTraceElement e : t.getStackTrace()) {
      if (frames.length() > 0) frames.append(',');
      frames.append("{\"module\":").append(quote(e.getClassName()))
          .append(",\"function\":").append(quote(e.getMethodName()))
          .append(",\"file\":").append(quote(e.getFileName() == null ? "" : e.getFileName()))
          .append(",\"line\":").append(e.getLineNumber() > 0 ? e.getLineNumber() : "null").append('}');
    }
    out.add("{\"type\":" + quote(t.getClass().getName()) + ",\"message\":" + quote(t.getMessage() == null ? "" : t.getMessage())
        + (relation == null ? "" : ",\"relation\":" + quote(relation)) + ",\"frames\":[" + frames + "]}");
    for (Throwable s : t.getSuppressed()) chain(s, "suppressed", out);
    if (t.getCause() != null) chain(t.getCause(), "cause", out);
  }

  public static void main(String[] args) {
    if (args.length > 0 && args[0].equals("crash")) {
      System.out.println("{\"group\":\"profile\",\"type\":\"Main$NotFoundException\",\"function\":\"lookupUser\"}");
      System.out.flush();
      handleProfile("42");
    }
    List<String> cases = new ArrayList<>();
    for (Map.Entry<String, Case> c : CASES) {
      try {
        c.getValue().run();
      } catch (Exception e) {
        StringWriter trace = new StringWriter();
        e.printStackTrace(new PrintWriter(trace));
        List<String> links = new ArrayList<>();
        chain(e, null, links);
        cases.add("{\"group\":" + quote(c.getKey()) + ",\"type\":" + quote(e.getClass().getName()) + ",\"message\":" + quote(e.getMessage())
            + ",\"chain\":[" + String.join(",", links) + "],\"trace\":" + quote(trace.toString()) + "}");
      }
    }
    System.out.println("{\"runtime\":\"java\",\"version\":" + quote(System.getProperty("java.version")) + ",\"cases\":[" + String.join(",\n", cases) + "]}");
  }
}
