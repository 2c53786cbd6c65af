/**
 * A minimal protobuf wire-format reader over one request body: varints, fixed32/64,
 * length-delimited fields and skipping of unknown fields. It knows nothing about OTLP.
 *
 * Nested messages are read with `enterMessage()` / `leaveMessage()`, which narrow the
 * readable window to the message, so a field can never read past its parent's end.
 * Every malformation throws HERMES_ERR_BAD_REQUEST naming the byte offset.
 */
import { HermesError } from '../../pipeline/errors';

/** Wire types, as in the protobuf encoding spec. */
export const WireType = { VARINT: 0, I64: 1, LEN: 2, SGROUP: 3, EGROUP: 4, I32: 5 } as const;

const TWO_POW_32 = 4294967296;

/**
 * Node's native slicers behind Buffer#toString. Calling them directly skips toString's
 * argument handling, which profiling put at ~12% of protobuf decode time. They are
 * undocumented, so fall back to toString where they are missing.
 */
interface NativeSlicers {
  utf8Slice(start: number, end: number): string;
  hexSlice(start: number, end: number): string;
}
const hasNativeSlicers =
  typeof (Buffer.prototype as unknown as Partial<NativeSlicers>).utf8Slice === 'function' &&
  typeof (Buffer.prototype as unknown as Partial<NativeSlicers>).hexSlice === 'function';

function utf8Slice(buffer: Buffer, start: number, end: number): string {
  return hasNativeSlicers ? (buffer as unknown as NativeSlicers).utf8Slice(start, end) : buffer.toString('utf8', start, end);
}

function hexSlice(buffer: Buffer, start: number, end: number): string {
  return hasNativeSlicers ? (buffer as unknown as NativeSlicers).hexSlice(start, end) : buffer.toString('hex', start, end);
}

export function malformed(detail: string): HermesError {
  return new HermesError('HERMES_ERR_BAD_REQUEST', detail);
}

export class ProtobufReader {
  readonly bytes: Uint8Array;
  /** The same memory as a Buffer, for Node's native UTF-8 and hex decoding (faster than JS loops). */
  private readonly buffer: Buffer;
  /** Offset of the next unread byte. */
  pos = 0;
  /** End (exclusive) of the message being read. */
  limit: number;
  private readonly view: DataView;
  /** High 32 bits of the last 64-bit varint (see `varint64Low`). */
  private high = 0;
  /** Where the last tag started, for error messages about its field. */
  private tagPos = 0;

  constructor(bytes: Uint8Array) {
    this.bytes = bytes;
    this.buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.limit = bytes.length;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /** Whether the current message has more fields. */
  more(): boolean {
    return this.pos < this.limit;
  }

  /** Reads a field tag (field number << 3 | wire type) and rejects field number 0. */
  tag(): number {
    this.tagPos = this.pos;
    const tag = this.uint32();
    if (tag >>> 3 === 0) throw malformed(`invalid field number 0 at byte ${this.tagPos}`);
    return tag;
  }

  /** A varint as an unsigned 32-bit number; higher bits are dropped (proto's uint32/int32 truncation). */
  uint32(): number {
    const bytes = this.bytes;
    let pos = this.pos;
    if (pos >= this.limit) throw this.truncatedVarint(pos);
    let b = bytes[pos++];
    if (b < 0x80) {
      this.pos = pos;
      return b;
    }
    let value = b & 0x7f;
    for (let shift = 7; ; shift += 7) {
      if (pos >= this.limit) throw this.truncatedVarint(this.pos);
      b = bytes[pos++];
      if (shift < 32) value |= (b & 0x7f) << shift;
      if (b < 0x80) break;
      if (shift === 63) throw malformed(`varint longer than 10 bytes at byte ${this.pos}`);
    }
    this.pos = pos;
    return value >>> 0;
  }

  /** A varint int32 (enums, which may be negative and then take 10 bytes). */
  int32(): number {
    return this.uint32() | 0;
  }

  /** A zigzag-encoded sint32. */
  sint32(): number {
    const n = this.uint32();
    return (n >>> 1) ^ -(n & 1);
  }

  bool(): boolean {
    return this.uint32() !== 0;
  }

  /** A varint int64 as a number (exact within ±2^53). */
  int64(): number {
    const low = this.varint64Low();
    return (this.high | 0) * TWO_POW_32 + low;
  }

  /** A varint uint64 as a number (exact up to 2^53). */
  uint64(): number {
    const low = this.varint64Low();
    return (this.high >>> 0) * TWO_POW_32 + low;
  }

  fixed32(): number {
    const pos = this.need(4);
    return this.view.getUint32(pos, true);
  }

  /** A fixed64 as bigint (timestamps in nanoseconds exceed 2^53). */
  fixed64BigInt(): bigint {
    const pos = this.need(8);
    return this.view.getBigUint64(pos, true);
  }

  /** A fixed64 count as a number (exact up to 2^53). */
  fixed64(): number {
    const pos = this.need(8);
    return this.view.getUint32(pos + 4, true) * TWO_POW_32 + this.view.getUint32(pos, true);
  }

  /** An sfixed64 as a number (exact within ±2^53). */
  sfixed64(): number {
    const pos = this.need(8);
    return this.view.getInt32(pos + 4, true) * TWO_POW_32 + this.view.getUint32(pos, true);
  }

  double(): number {
    const pos = this.need(8);
    return this.view.getFloat64(pos, true);
  }

  /** A length-delimited string, decoded as UTF-8 (invalid sequences become U+FFFD). */
  string(): string {
    const end = this.lengthEnd();
    const start = this.pos;
    this.pos = end;
    return start === end ? '' : utf8Slice(this.buffer, start, end);
  }

  /**
   * Like `string()`, for low-cardinality strings (attribute keys, names, units): repeats
   * across spans and requests come from a small cache instead of being decoded again.
   */
  internedString(): string {
    const end = this.lengthEnd();
    const start = this.pos;
    this.pos = end;
    return internUtf8(this.bytes, this.buffer, start, end);
  }

  /** A length-delimited bytes field as lowercase hex (trace and span ids); '' when empty. */
  hex(): string {
    const end = this.lengthEnd();
    const start = this.pos;
    this.pos = end;
    return start === end ? '' : hexSlice(this.buffer, start, end);
  }

  /**
   * A length-delimited bytes field, copied into a plain Uint8Array: a view would pin the whole
   * request body in memory for as long as the value lives (and, on a Buffer body, be a Buffer).
   */
  bytesCopy(): Uint8Array {
    const end = this.lengthEnd();
    const copy = new Uint8Array(end - this.pos);
    copy.set(this.bytes.subarray(this.pos, end));
    this.pos = end;
    return copy;
  }

  /** Reads a length prefix and narrows the window to that message; returns the outer limit. */
  enterMessage(): number {
    const end = this.lengthEnd();
    const outer = this.limit;
    this.limit = end;
    return outer;
  }

  /** Restores the window saved by `enterMessage()`; the message must be fully consumed. */
  leaveMessage(outerLimit: number): void {
    this.limit = outerLimit;
  }

  /**
   * Calls `read` once per element of a repeated scalar field, which arrives either packed
   * (one LEN field holding all elements) or unpacked (one field per element) — parsers must
   * accept both. `elementWireType` is the wire type of one unpacked element.
   */
  repeated(tag: number, elementWireType: number, read: () => void): void {
    if ((tag & 7) === WireType.LEN) {
      const outer = this.enterMessage();
      while (this.pos < this.limit) read();
      this.leaveMessage(outer);
    } else if ((tag & 7) === elementWireType) {
      read();
    } else {
      this.skip(tag);
    }
  }

  /** Skips the payload of a field with this tag (an unknown or mistyped field). */
  skip(tag: number): void {
    const at = this.tagPos;
    switch (tag & 7) {
      case WireType.VARINT:
        this.varint64Low();
        return;
      case WireType.I64:
        this.need(8);
        return;
      case WireType.LEN:
        this.pos = this.lengthEnd();
        return;
      case WireType.I32:
        this.need(4);
        return;
      case WireType.SGROUP:
      case WireType.EGROUP:
        throw malformed(`field ${tag >>> 3} uses the deprecated group encoding (not supported) at byte ${at}`);
      default:
        throw malformed(`invalid wire type ${tag & 7} for field ${tag >>> 3} at byte ${at}`);
    }
  }

  /** Reads a varint of up to 64 bits: returns the low 32 bits unsigned, stores the high ones. */
  private varint64Low(): number {
    const bytes = this.bytes;
    const start = this.pos;
    let pos = start;
    let low = 0;
    let high = 0;
    let b = 0;
    for (let shift = 0; shift < 28; shift += 7) {
      if (pos >= this.limit) throw this.truncatedVarint(start);
      b = bytes[pos++];
      low |= (b & 0x7f) << shift;
      if (b < 0x80) return this.endVarint(pos, low, 0);
    }
    if (pos >= this.limit) throw this.truncatedVarint(start);
    b = bytes[pos++];
    low |= (b & 0x7f) << 28;
    high = (b & 0x7f) >>> 4;
    if (b < 0x80) return this.endVarint(pos, low, high);
    for (let shift = 3; shift < 38; shift += 7) {
      if (pos >= this.limit) throw this.truncatedVarint(start);
      b = bytes[pos++];
      high |= (b & 0x7f) << shift;
      if (b < 0x80) return this.endVarint(pos, low, high);
    }
    throw malformed(`varint longer than 10 bytes at byte ${start}`);
  }

  private endVarint(pos: number, low: number, high: number): number {
    this.pos = pos;
    this.high = high;
    return low >>> 0;
  }

  /** Checks that `n` bytes remain, moves past them, returns where they start. */
  private need(n: number): number {
    const pos = this.pos;
    if (this.limit - pos < n) {
      throw malformed(`truncated ${n * 8}-bit fixed field at byte ${pos} (message ends at byte ${this.limit})`);
    }
    this.pos = pos + n;
    return pos;
  }

  /** Reads a length prefix and returns the payload's end, checked against the window. */
  private lengthEnd(): number {
    const at = this.pos;
    const length = this.uint32();
    const end = this.pos + length;
    if (end > this.limit) {
      throw malformed(`length ${length} at byte ${at} runs past the end of its message (byte ${this.limit})`);
    }
    return end;
  }

  private truncatedVarint(at: number): HermesError {
    return malformed(`truncated varint at byte ${at}`);
  }
}

/**
 * A direct-mapped cache of decoded strings, shared by all requests: bounded memory
 * (INTERN_SLOTS × INTERN_MAX_BYTES), a colliding string simply replaces the slot.
 */
const INTERN_SLOTS = 2048;
const INTERN_MAX_BYTES = 64;
const internedBytes: (Uint8Array | null)[] = new Array<Uint8Array | null>(INTERN_SLOTS).fill(null);
const internedStrings: string[] = new Array<string>(INTERN_SLOTS).fill('');

function internUtf8(bytes: Uint8Array, buffer: Buffer, start: number, end: number): string {
  const length = end - start;
  if (length === 0) return '';
  if (length > INTERN_MAX_BYTES) return utf8Slice(buffer, start, end);
  // Samples a few bytes instead of hashing all of them; the full comparison below decides.
  const slot =
    (length * 31 + bytes[start] * 7 + bytes[end - 1] * 131 + bytes[start + (length >> 1)] * 17 + bytes[start + (length >> 2)]) &
    (INTERN_SLOTS - 1);
  const cached = internedBytes[slot];
  if (cached !== null && cached.length === length) {
    let i = 0;
    while (i < length && cached[i] === bytes[start + i]) i++;
    if (i === length) return internedStrings[slot];
  }
  const s = utf8Slice(buffer, start, end);
  // A copy (Buffer#slice would be a view pinning the request body).
  const copy = new Uint8Array(length);
  copy.set(bytes.subarray(start, end));
  internedBytes[slot] = copy;
  internedStrings[slot] = s;
  return s;
}
