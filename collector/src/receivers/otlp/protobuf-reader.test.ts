import fc from 'fast-check';
import { HermesError } from '../../pipeline/errors';
import { ProtobufReader, WireType } from './protobuf-reader';
import { ProtobufWriter, WIRE } from './testdata/protobuf-writer';

function reader(bytes: number[] | Uint8Array): ProtobufReader {
  return new ProtobufReader(Uint8Array.from(bytes));
}

function badRequest(read: () => unknown): string {
  try {
    read();
  } catch (err) {
    expect(err).toBeInstanceOf(HermesError);
    expect((err as HermesError).code).toBe('HERMES_ERR_BAD_REQUEST');
    return (err as HermesError).message;
  }
  throw new Error('expected HERMES_ERR_BAD_REQUEST, nothing was thrown');
}

describe('ProtobufReader', () => {
  describe('.uint32', () => {
    it('reads one- and multi-byte varints', () => {
      const r = reader(new ProtobufWriter().rawVarint(1).rawVarint(300).rawVarint(2 ** 32 - 1).finish());
      expect([r.uint32(), r.uint32(), r.uint32()]).toEqual([1, 300, 2 ** 32 - 1]);
      expect(r.more()).toBe(false);
    });

    it('reports a truncated varint with its byte offset', () => {
      expect(badRequest(() => reader([0x80, 0x80]).uint32())).toMatch('truncated varint at byte 0');
      const r = reader([0x05, 0x96]);
      r.uint32();
      expect(badRequest(() => r.uint32())).toMatch('truncated varint at byte 1');
    });

    it('rejects varints longer than 10 bytes', () => {
      expect(badRequest(() => reader(new Array(11).fill(0xff).concat([0x01])).uint32())).toMatch(/longer than 10 bytes/);
    });
  });

  describe('.int64 / .uint64', () => {
    it('reads negative int64 (10-byte varints) and values above 2^32', () => {
      const w = new ProtobufWriter().rawVarint(-1).rawVarint(-1234567890123).rawVarint(2 ** 40 + 5).rawVarint(2 ** 53);
      const r = reader(w.finish());
      expect([r.int64(), r.int64(), r.uint64(), r.uint64()]).toEqual([-1, -1234567890123, 2 ** 40 + 5, 2 ** 53]);
    });
  });

  describe('.sint32', () => {
    it('decodes zigzag values', () => {
      const w = new ProtobufWriter();
      for (const v of [0, -1, 1, -64, 2147483647, -2147483648]) w.rawVarint((v << 1) ^ (v >> 31));
      const r = reader(w.finish());
      expect([r.sint32(), r.sint32(), r.sint32(), r.sint32(), r.sint32(), r.sint32()]).toEqual([0, -1, 1, -64, 2147483647, -2147483648]);
    });
  });

  describe('fixed-width fields', () => {
    it('reads little-endian fixed32, fixed64 (bigint and number), sfixed64 and double', () => {
      const w = new ProtobufWriter().fixed32(1, 0xdeadbeef).fixed64(2, 1767225600123456789n).fixed64(3, 2 ** 50).fixed64(4, -42).double(5, -0.125);
      const r = reader(w.finish());
      r.tag();
      expect(r.fixed32()).toBe(0xdeadbeef);
      r.tag();
      expect(r.fixed64BigInt()).toBe(1767225600123456789n);
      r.tag();
      expect(r.fixed64()).toBe(2 ** 50);
      r.tag();
      expect(r.sfixed64()).toBe(-42);
      r.tag();
      expect(r.double()).toBe(-0.125);
    });

    it('reports a truncated fixed field', () => {
      expect(badRequest(() => reader([1, 2, 3]).fixed64BigInt())).toMatch('truncated 64-bit fixed field at byte 0');
    });
  });

  describe('.string', () => {
    it('decodes ASCII and multi-byte UTF-8, short and long', () => {
      const long = 'x'.repeat(100) + 'é';
      const r = reader(new ProtobufWriter().string(1, 'GET').string(2, 'ünï ✓ 😀').string(3, long).string(4, '').finish());
      const out: string[] = [];
      while (r.more()) {
        r.tag();
        out.push(r.string());
      }
      expect(out).toEqual(['GET', 'ünï ✓ 😀', long, '']);
    });

    it('rejects a length running past the end of the enclosing message', () => {
      const body = new ProtobufWriter().message(1, (w) => w.string(1, 'abc')).raw([0x0a, 0x01]).finish();
      const r = reader(body);
      r.tag();
      const outer = r.enterMessage();
      r.tag();
      expect(r.string()).toBe('abc');
      r.leaveMessage(outer);
      r.tag();
      expect(badRequest(() => r.string())).toMatch(/length 1 at byte \d+ runs past the end of its message/);
    });
  });

  describe('.internedString', () => {
    it('returns the same text as .string for any strings, including repeats and slot collisions', () => {
      fc.assert(
        fc.property(fc.array(fc.string({ unit: 'binary', maxLength: 80 }), { maxLength: 50 }), fc.nat(), (strings, seed) => {
          const w = new ProtobufWriter();
          // every string twice, interleaved, so repeats hit the cache and others evict them
          const order = [...strings, ...strings].map((text, i) => ({ text, key: (i * 7919 + seed) % 1000 })).sort((a, b) => a.key - b.key);
          for (const { text } of order) w.string(1, text);
          const r = reader(w.finish());
          for (const { text } of order) {
            r.tag();
            expect(r.internedString()).toBe(new TextDecoder().decode(new TextEncoder().encode(text)));
          }
        }),
      );
    });
  });

  describe('.hex', () => {
    it('encodes bytes as lowercase hex and empty bytes as an empty string', () => {
      const r = reader(new ProtobufWriter().bytes(1, Uint8Array.of(0, 0xab, 0x0f, 0xff)).bytes(2, new Uint8Array(0)).finish());
      r.tag();
      expect(r.hex()).toBe('00ab0fff');
      r.tag();
      expect(r.hex()).toBe('');
    });
  });

  describe('.skip', () => {
    it('skips a field of every valid wire type', () => {
      const r = reader(new ProtobufWriter().unknownFields().varint(7, 99).finish());
      let tag = r.tag();
      while (tag >>> 3 !== 7) {
        r.skip(tag);
        tag = r.tag();
      }
      expect(r.uint32()).toBe(99);
    });

    it('rejects groups and invalid wire types', () => {
      expect(badRequest(() => reader([]).skip((5 << 3) | WIRE.SGROUP))).toMatch('field 5 uses the deprecated group encoding');
      expect(badRequest(() => reader([]).skip((5 << 3) | WIRE.EGROUP))).toMatch('group encoding');
      expect(badRequest(() => reader([]).skip((5 << 3) | 6))).toMatch('invalid wire type 6 for field 5');
      expect(badRequest(() => reader([]).skip((5 << 3) | 7))).toMatch('invalid wire type 7');
    });
  });

  describe('.tag', () => {
    it('rejects field number 0', () => {
      expect(badRequest(() => reader([0x02, 0x00]).tag())).toMatch('invalid field number 0 at byte 0');
    });
  });

  describe('.repeated', () => {
    it('reads packed and unpacked elements alike', () => {
      const packed = new ProtobufWriter().message(6, (w) => w.rawVarint(3).rawVarint(300).rawVarint(0)).finish();
      const unpacked = new ProtobufWriter().varint(6, 3).varint(6, 300).varint(6, 0).finish();
      for (const body of [packed, unpacked]) {
        const r = reader(body);
        const values: number[] = [];
        while (r.more()) r.repeated(r.tag(), WireType.VARINT, () => values.push(r.uint64()));
        expect(values).toEqual([3, 300, 0]);
      }
    });

    it('skips an element sent with a different wire type', () => {
      const r = reader(new ProtobufWriter().fixed32(6, 1).varint(6, 2).finish());
      const values: number[] = [];
      while (r.more()) r.repeated(r.tag(), WireType.VARINT, () => values.push(r.uint64()));
      expect(values).toEqual([2]);
    });
  });
});
