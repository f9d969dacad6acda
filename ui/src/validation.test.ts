import { describe, expect, it } from 'vitest'
import {
  charCount,
  isIPv4,
  isMAC,
  validateAlias,
  validateCode,
  validateNonNegativeInt,
  validateOptionalIPv4,
  validateOptionalMAC,
  validateOptionalText,
  validatePassword,
  validatePasswordConfirm,
  validateRequired,
  validateText,
} from './validation'

const key = (r: { key: string } | null) => r?.key ?? null

describe('cinemaCode (validateCode)', () => {
  it.each(['C001', 'vr-cinema_01', 'A', 'x'.repeat(64)])('accepts %s', (s) => {
    expect(validateCode(s)).toBeNull()
  })
  it('requires a value', () => {
    expect(key(validateCode(''))).toBe('validation.required')
    expect(key(validateCode('   '))).toBe('validation.required')
    expect(key(validateCode(undefined))).toBe('validation.required')
  })
  it('limits to 64 characters', () => {
    expect(validateCode('x'.repeat(65))).toEqual({ key: 'validation.maxChars', params: { max: 64 } })
  })
  it.each(['影院01', 'a b', 'a.b', 'a/b', 'a:b'])('rejects characters in %s', (s) => {
    expect(key(validateCode(s))).toBe('validation.codeChars')
  })
})

describe('name (validateText)', () => {
  it('accepts 256 CJK characters (768 bytes)', () => {
    expect(validateText('影'.repeat(256))).toBeNull()
  })
  it('counts characters, not UTF-16 units or bytes', () => {
    expect(charCount('😀影a')).toBe(3)
    expect(validateText('😀'.repeat(256))).toBeNull()
    expect(key(validateText('😀'.repeat(257)))).toBe('validation.maxChars')
  })
  it('rejects 257 characters', () => {
    expect(validateText('影'.repeat(257))).toEqual({ key: 'validation.maxChars', params: { max: 256 } })
  })
  it('requires a non-blank value', () => {
    expect(key(validateText(''))).toBe('validation.required')
    expect(key(validateText(' \t '))).toBe('validation.required')
    expect(key(validateText(null))).toBe('validation.required')
  })
  it('ignores surrounding blanks when counting', () => {
    expect(validateText(`  ${'a'.repeat(256)}  `)).toBeNull()
  })
  it('rejects control characters but allows newline and tab', () => {
    expect(key(validateText('a\u0007b'))).toBe('validation.controlChars')
    expect(validateText('a\nb\tc')).toBeNull()
  })
})

describe('description (validateOptionalText)', () => {
  it('accepts empty and absent', () => {
    expect(validateOptionalText('')).toBeNull()
    expect(validateOptionalText(undefined)).toBeNull()
    expect(validateOptionalText('   ')).toBeNull()
  })
  it('accepts up to 256 characters and rejects more', () => {
    expect(validateOptionalText('描'.repeat(256))).toBeNull()
    expect(key(validateOptionalText('描'.repeat(257)))).toBe('validation.maxChars')
  })
})

describe('regionID (validateRequired)', () => {
  it('accepts a chosen id', () => {
    expect(validateRequired('BEIJING')).toBeNull()
  })
  it.each([undefined, null, '', '  '])('rejects %s', (x) => {
    expect(key(validateRequired(x))).toBe('validation.required')
  })
})

describe('numberOfHalls (validateNonNegativeInt)', () => {
  it.each([0, 1, 12, 1000, '3', null, undefined, ''])('accepts %s', (x) => {
    expect(validateNonNegativeInt(x)).toBeNull()
  })
  it.each([-1, '-2'])('rejects negative %s', (x) => {
    expect(key(validateNonNegativeInt(x))).toBe('validation.nonNegative')
  })
  it.each([1.5, Number.NaN, Number.POSITIVE_INFINITY, '1.5', 'abc', 2 ** 60])('rejects non-integer %s', (x) => {
    expect(key(validateNonNegativeInt(x))).toBe('validation.integer')
  })
})

describe('comsIPAddr (validateOptionalIPv4)', () => {
  it.each(['192.168.8.21', '0.0.0.0', '255.255.255.255', '10.0.0.1'])('accepts %s', (s) => {
    expect(isIPv4(s)).toBe(true)
    expect(validateOptionalIPv4(s)).toBeNull()
  })
  it('is optional', () => {
    expect(validateOptionalIPv4('')).toBeNull()
    expect(validateOptionalIPv4(undefined)).toBeNull()
  })
  it.each(['256.1.1.1', '1.2.3', '1.2.3.4.5', '01.2.3.4', 'a.b.c.d', '1.2.3.4 x', '1..3.4', '1.2.3.-4', '1234.1.1.1'])(
    'rejects %s',
    (s) => {
      expect(key(validateOptionalIPv4(s))).toBe('validation.ipv4')
    },
  )
})

describe('comsMACAddr (validateOptionalMAC)', () => {
  it.each(['99:ed:9d:3b:e8:36', '99-ED-9D-3B-E8-36', '00:00:00:00:00:00'])('accepts %s', (s) => {
    expect(isMAC(s)).toBe(true)
    expect(validateOptionalMAC(s)).toBeNull()
  })
  it('is optional', () => {
    expect(validateOptionalMAC('')).toBeNull()
    expect(validateOptionalMAC(null)).toBeNull()
  })
  it.each(['ef:23:7e:cc:8a', '99:ed-9d:3b:e8:36', '99:ed:9d:3b:e8:3g', '99ed9d3be836', '99:ed:9d:3b:e8:366', '9:ed:9d:3b:e8:36'])(
    'rejects %s',
    (s) => {
      expect(key(validateOptionalMAC(s))).toBe('validation.mac')
    },
  )
})

describe('alias and password (first-run form)', () => {
  it('accepts letters, digits and underscore', () => {
    expect(validateAlias('zhang_san01')).toBeNull()
  })
  it.each(['zhang-san', '张三', 'a b'])('rejects alias %s', (s) => {
    expect(key(validateAlias(s))).toBe('validation.aliasChars')
  })
  it('requires alias and password', () => {
    expect(key(validateAlias(''))).toBe('validation.required')
    expect(key(validatePassword(''))).toBe('validation.required')
    expect(validatePassword('secret')).toBeNull()
  })
  it('checks the confirmation', () => {
    expect(validatePasswordConfirm('secret', 'secret')).toBeNull()
    expect(key(validatePasswordConfirm('secret', 'secreT'))).toBe('validation.passwordMismatch')
    expect(key(validatePasswordConfirm('secret', ''))).toBe('validation.required')
  })
})
