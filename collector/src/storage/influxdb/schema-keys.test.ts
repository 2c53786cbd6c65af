import fc from 'fast-check';
import { LOG_COLUMNS, SPAN_COLUMNS, ValueKind, attributeFieldName, parseStoredKey, resourceLabels } from './schema';

const kinds = fc.constantFrom(ValueKind.STR, ValueKind.NUM, ValueKind.BOOL);
// Keys built from the pieces that make the rules interesting, plus any text.
const keys = fc.oneof(
  fc.string(),
  fc.constantFrom(...SPAN_COLUMNS, ...LOG_COLUMNS),
  fc.tuple(fc.constantFrom('', 'attr.', 'resource.'), fc.string({ maxLength: 6 }), fc.constantFrom('', ':num', ':bool', ':str', ':num:str', ':str:str')).map((parts) => parts.join('')),
);

describe('schema keys', () => {
  describe('parseStoredKey', () => {
    it.each([
      ['spans', SPAN_COLUMNS],
      ['logs', LOG_COLUMNS],
    ] as const)('turns every %s attribute field name back into its key and kind', (_name, columns) => {
      fc.assert(
        fc.property(keys, kinds, (key, kind) => {
          expect(parseStoredKey(attributeFieldName(key, kind, columns), columns)).toEqual({ source: 'attribute', key, kind });
        }),
      );
    });

    it('turns every resource field name back into its key and kind', () => {
      fc.assert(
        fc.property(keys, kinds, (key, kind) => {
          expect(parseStoredKey(attributeFieldName(key, kind, SPAN_COLUMNS, 'resource.'), SPAN_COLUMNS)).toEqual({ source: 'resource', key, kind });
        }),
      );
    });

    it('knows the columns of the schema from attributes of the same name', () => {
      expect(parseStoredKey('name', SPAN_COLUMNS)).toEqual({ source: 'column', name: 'name' });
      expect(parseStoredKey('attr.name', SPAN_COLUMNS)).toEqual({ source: 'attribute', key: 'name', kind: ValueKind.STR });
      expect(parseStoredKey('http.status_code:num', SPAN_COLUMNS)).toEqual({ source: 'attribute', key: 'http.status_code', kind: ValueKind.NUM });
      expect(parseStoredKey('body', LOG_COLUMNS)).toEqual({ source: 'column', name: 'body' });
    });
  });

  describe('resourceLabels', () => {
    it('takes the newer environment key first and falls back on blank values', () => {
      const kv = (key: string, value: string) => ({ key, value });
      expect(resourceLabels([kv('deployment.environment', 'old'), kv('deployment.environment.name', 'new'), kv('service.name', 'shop')])).toEqual({
        service: 'shop',
        environment: 'new',
        version: '',
      });
      expect(resourceLabels([kv('deployment.environment.name', ''), kv('deployment.environment', 'old'), kv('service.version', '1.2')])).toEqual({
        service: 'unknown_service',
        environment: 'old',
        version: '1.2',
      });
    });
  });
});
