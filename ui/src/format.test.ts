import { describe, expect, it } from 'vitest'
import {
  formatBytes,
  formatDateTime,
  formatEta,
  formatMinutes,
  formatPrice,
  formatRelativeTime,
  formatSpeed,
  isOnline,
  parsePrice,
} from './format'

const now = Date.UTC(2025, 10, 22, 12, 0, 0)

describe('formatRelativeTime', () => {
  it('speaks in minutes and hours in both languages', () => {
    expect(formatRelativeTime(now - 5 * 60_000, 'en', now)).toBe('5 minutes ago')
    expect(formatRelativeTime(now - 5 * 60_000, 'zh-CN', now)).toBe('5分钟前')
    expect(formatRelativeTime(now - 3 * 3600_000, 'en', now)).toBe('3 hours ago')
    expect(formatRelativeTime(now - 2 * 86400_000, 'en', now)).toBe('2 days ago')
  })
  it('falls back to a date beyond 30 days', () => {
    const t = now - 40 * 86400_000
    expect(formatRelativeTime(t, 'en', now)).toBe(formatDateTime(t, 'en'))
  })
})

describe('sizes, speeds and times left', () => {
  it('formats bytes in binary units', () => {
    expect(formatBytes(0)).toBe('0 B')
    expect(formatBytes(1023)).toBe('1023 B')
    expect(formatBytes(1536)).toBe('1.5 KB')
    expect(formatBytes(20 * 1024 ** 3)).toBe('20.0 GB')
    expect(formatBytes(-1)).toBe('—')
  })
  it('formats speeds', () => {
    expect(formatSpeed(12.6 * 1024 * 1024)).toBe('12.6 MB/s')
  })
  it('formats a time left, and nothing when unknown', () => {
    expect(formatEta(65)).toBe('01:05')
    expect(formatEta(3725)).toBe('1:02:05')
    expect(formatEta(0.2)).toBe('00:01')
    expect(formatEta(null)).toBe('—')
    expect(formatEta(Infinity)).toBe('—')
  })
})

describe('money and minutes', () => {
  it('shows fen as yuan', () => {
    expect(formatPrice(2990)).toBe('¥29.90')
    expect(formatPrice(0)).toBe('¥0.00')
  })
  it('reads yuan as fen without float errors', () => {
    expect(parsePrice('29.9')).toBe(2990)
    expect(parsePrice('0.07')).toBe(7)
    expect(parsePrice('19.99')).toBe(1999)
    expect(parsePrice(' 5 ')).toBe(500)
    expect(parsePrice('1.234')).toBeNull()
    expect(parsePrice('-1')).toBeNull()
    expect(parsePrice('abc')).toBeNull()
  })
  it('speaks minutes in both languages', () => {
    expect(formatMinutes(95, 'zh-CN')).toBe('1小时35分钟')
    expect(formatMinutes(95, 'en')).toBe('1 h 35 min')
    expect(formatMinutes(30, 'en')).toBe('30 min')
    expect(formatMinutes(120, 'zh-CN')).toBe('2小时')
  })
})

describe('COMS presence', () => {
  it('is online when seen within three minutes', () => {
    expect(isOnline(now - 60_000, now)).toBe(true)
    expect(isOnline(now - 4 * 60_000, now)).toBe(false)
    expect(isOnline(null, now)).toBe(false)
  })
})
