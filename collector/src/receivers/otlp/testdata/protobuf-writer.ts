/**
 * A tiny protobuf writer for tests: hand-crafts bodies the JS SDK never sends (unknown
 * fields, unpacked repeats, summaries...). Not used by the collector at run time.
 */

const WIRE = { VARINT: 0, I64: 1, LEN: 2, SGROUP: 3, EGROUP: 4, I32: 5 } as const;

export class ProtobufWriter {
  private readonly out: number[] = [];

  /** A raw varint (no tag); negative numbers are written as 64-bit two's complement. */
  rawVarint(value: number | bigint): this {
    let v = BigInt.asUintN(64, BigInt(value));
    while (v >= 0x80n) {
      this.out.push(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    this.out.push(Number(v));
    return this;
  }

  tag(field: number, wireType: number): this {
    return this.rawVarint(field * 8 + wireType);
  }

  varint(field: number, value: number | bigint | boolean): this {
    return this.tag(field, WIRE.VARINT).rawVarint(typeof value === 'boolean' ? Number(value) : value);
  }

  bool(field: number, value: boolean): this {
    return this.varint(field, value);
  }

  sint32(field: number, value: number): this {
    return this.varint(field, (value << 1) ^ (value >> 31));
  }

  fixed32(field: number, value: number): this {
    this.tag(field, WIRE.I32);
    const b = new Uint8Array(4);
    new DataView(b.buffer).setUint32(0, value, true);
    return this.raw(b);
  }

  fixed64(field: number, value: number | bigint): this {
    this.tag(field, WIRE.I64);
    const b = new Uint8Array(8);
    new DataView(b.buffer).setBigInt64(0, BigInt.asIntN(64, BigInt(value)), true);
    return this.raw(b);
  }

  double(field: number, value: number): this {
    this.tag(field, WIRE.I64);
    return this.raw(doubleBytes(value));
  }

  bytes(field: number, value: Uint8Array): this {
    return this.tag(field, WIRE.LEN).rawVarint(value.length).raw(value);
  }

  string(field: number, value: string): this {
    return this.bytes(field, new TextEncoder().encode(value));
  }

  /** A hex id as bytes. */
  id(field: number, hex: string): this {
    return this.bytes(field, Uint8Array.from(Buffer.from(hex, 'hex')));
  }

  message(field: number, write: (w: ProtobufWriter) => void): this {
    const inner = new ProtobufWriter();
    write(inner);
    return this.bytes(field, inner.finish());
  }

  /** One field of every wire type (and a nested unknown message) that no OTLP message defines. */
  unknownFields(): this {
    return this.varint(1000, 0x8000000000000000n)
      .fixed64(1001, 7)
      .string(1002, 'from a newer proto')
      .fixed32(1003, 9)
      .message(1004, (w) => w.varint(1, 1).string(2, 'nested unknown'));
  }

  raw(bytes: ArrayLike<number>): this {
    for (let i = 0; i < bytes.length; i++) this.out.push(bytes[i]);
    return this;
  }

  finish(): Uint8Array {
    return Uint8Array.from(this.out);
  }
}

export function doubleBytes(value: number): Uint8Array {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setFloat64(0, value, true);
  return b;
}

export { WIRE };
