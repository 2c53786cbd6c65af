/**
 * Message normalization for titles and for grouping when the stack is weak: variable
 * parts (ids, numbers, addresses, quoted values, times) become placeholders so that the
 * same failure with different data reads the same.
 */

/** Longest normalized message kept; the tail of a huge message never helps grouping. */
export const MAX_MESSAGE_CHARS = 512;

// Order matters: wider shapes (timestamps, UUIDs, emails, IPs) go before bare numbers.
const RULES: ReadonlyArray<readonly [RegExp, string]> = [
  [/"(?:[^"\\\n]|\\.){0,200}"|'(?:[^'\\\n]|\\.){0,200}'|`[^`\n]{0,200}`|“[^”\n]{0,200}”/g, '<str>'],
  [/\b\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?/g, '<ts>'],
  [/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, '<uuid>'],
  [/\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b/g, '<email>'],
  [/\[[0-9a-f:]*:[0-9a-f:]*\](?::\d+)?/gi, '<ip>'],
  [/\b(?:\d{1,3}\.){3}\d{1,3}(?::\d+)?\b/g, '<ip>'],
  [/\b0x[0-9a-f]+\b/gi, '<hex>'],
  [/\b(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{8,}\b/gi, '<hex>'],
  // Digits anywhere, also inside words ("user42"), so ids glued to names still vary out.
  [/\d+(?:\.\d+)*/g, '<num>'],
];

// IPv6 needs a check a regex cannot express cheaply: "12:30:45" must stay a time.
const IPV6_CANDIDATE = /(?<![\w:])(?:[0-9a-f]{0,4}:){2,7}[0-9a-f]{1,4}(?![\w:])/gi;
function replaceIpv6(text: string): string {
  return text.replace(IPV6_CANDIDATE, (m) => (m.includes('::') || m.split(':').length === 8 ? '<ip>' : m));
}

/** The message with variable parts as placeholders; idempotent, never throws, ≤ 512 chars. */
export function normalizeMessage(message: string): string {
  let text = typeof message === 'string' ? message : String(message);
  if (text.length > MAX_MESSAGE_CHARS * 4) text = text.slice(0, MAX_MESSAGE_CHARS * 4);
  for (const [re, placeholder] of RULES) {
    text = text.replace(re, placeholder);
    if (placeholder === '<ip>') text = replaceIpv6(text);
  }
  text = text.replace(/\s+/g, ' ').trim();
  return text.length > MAX_MESSAGE_CHARS ? text.slice(0, MAX_MESSAGE_CHARS) : text;
}
