/** Shapes shared by the stack-trace parsers and the grouping (fingerprint) code. */

/** The stack-trace dialect a text was parsed as. */
export type Runtime =
  | 'node'
  | 'chrome'
  | 'firefox'
  | 'safari'
  | 'python'
  | 'java'
  | 'go'
  | 'dotnet'
  | 'ruby'
  | 'php'
  | 'unknown';

/**
 * One stack frame. Frames are always ordered innermost first (the frame that threw comes
 * first), whatever order the runtime prints them in (Python prints outermost first).
 */
export interface Frame {
  /** Function or method name as printed ('' when the runtime gives none). */
  function: string;
  /** File path or URL as printed ('' when unknown, e.g. native frames). */
  file: string;
  /** Class (Java, .NET), package (Go) — whatever qualifies the function. */
  module?: string;
  line?: number;
  column?: number;
  /** False for library and runtime frames (node_modules, the JDK, Go's runtime...). */
  inApp: boolean;
}

export interface ParsedException {
  /** Exception type/class as printed ('' when the format has no header, e.g. Firefox). */
  type: string;
  message: string;
  /** Innermost first. */
  frames: Frame[];
  /** How this exception relates to the one before it in the chain; absent for the first. */
  relation?: 'cause' | 'context' | 'suppressed';
}

export interface ParsedStack {
  runtime: Runtime;
  /**
   * The outermost exception (the one that was finally thrown and reported) first, then
   * its causes/contexts in order; suppressed exceptions (Java) appear where printed.
   * Never empty: an unparseable text yields one exception with no frames.
   */
  chain: ParsedException[];
  raw: string;
}

/** A pattern matched against a frame's file, module or function. Strings match as substrings. */
export type FramePattern = string | RegExp;

/** User settings for in-app classification and for grouping. */
export interface InAppOptions {
  /** Frames whose file or module match are in-app even if a default rule says otherwise. */
  include?: readonly FramePattern[];
  /** Frames whose file or module match are not in-app. Wins over `include`. */
  exclude?: readonly FramePattern[];
  /**
   * Function names of error constructors and error-reporting helpers: a run of matching
   * frames at the innermost end of the stack is ignored by grouping. Replaces the default
   * list when given (export `DEFAULT_SKIP_FUNCTIONS` to extend it).
   */
  skipFunctions?: readonly FramePattern[];
  /** How many innermost frames form the fingerprint (default 5). */
  frameCount?: number;
}

/** A raw, not yet classified frame as a runtime parser produces it. */
export type RawFrame = Omit<Frame, 'inApp'>;

/** A runtime parser's output before in-app classification. */
export interface RawException {
  type: string;
  message: string;
  frames: RawFrame[];
  relation?: ParsedException['relation'];
}
