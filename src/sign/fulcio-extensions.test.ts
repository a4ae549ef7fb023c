import { PINNABLE_EXTENSIONS } from '../policy/types';
import { decodeExtensionValue, FULCIO_EXTENSIONS } from './fulcio-extensions';

describe('Fulcio extension values', () => {
  test('DER UTF8String (short and long form) and legacy raw strings', () => {
    expect(decodeExtensionValue(Buffer.concat([Buffer.from([0x0c, 5]), Buffer.from('hello')]), false)).toBe('hello');
    const long = 'x'.repeat(300);
    expect(decodeExtensionValue(Buffer.concat([Buffer.from([0x0c, 0x82, 0x01, 0x2c]), Buffer.from(long)]), false)).toBe(long);
    expect(decodeExtensionValue(Buffer.from('https://token.actions.githubusercontent.com'), true)).toBe('https://token.actions.githubusercontent.com');
  });

  test('the extensions a policy can pin are Fulcio extensions of the same name and OID', () => {
    for (const [name, oid] of Object.entries(PINNABLE_EXTENSIONS)) {
      expect(FULCIO_EXTENSIONS[name as keyof typeof FULCIO_EXTENSIONS]).toEqual({ oid, legacy: false });
    }
  });
});
