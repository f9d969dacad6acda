import { describe, expect, it } from 'vitest'
import { formatDateTime, formatRelativeTime } from './format'

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
