import { describe, expect, it } from 'vitest'
import { auditDiff, auditFilterQuery, auditValue, changedFields, emptyFilters } from './audit'

const midnight = (y: number, m: number, d: number) => new Date(y, m - 1, d).getTime()

describe('auditFilterQuery', () => {
  it('asks for nothing when no filter is set', () => {
    expect(auditFilterQuery(emptyFilters())).toEqual({})
  })

  it('names each filter set by its wire name', () => {
    const q = auditFilterQuery({ ...emptyFilters(), userID: 'u1', cinemaID: 'c1', entity: 'hall', action: 'update' })
    expect(q).toEqual({ user_id: 'u1', cinema_id: 'c1', entity: 'hall', action: 'update' })
  })

  it('takes days whole: from the first midnight to the midnight after the last day', () => {
    const q = auditFilterQuery({ ...emptyFilters(), days: [midnight(2026, 3, 1), midnight(2026, 3, 31)] })
    expect(q).toEqual({ from: midnight(2026, 3, 1), to: midnight(2026, 4, 1) })
  })

  it('reads one day picked as first and last as that whole day, and days given backwards in order', () => {
    expect(auditFilterQuery({ ...emptyFilters(), days: [midnight(2026, 12, 31), midnight(2026, 12, 31)] })).toEqual({
      from: midnight(2026, 12, 31),
      to: midnight(2027, 1, 1),
    })
    expect(auditFilterQuery({ ...emptyFilters(), days: [midnight(2026, 5, 9), midnight(2026, 5, 2)] })).toEqual({
      from: midnight(2026, 5, 2),
      to: midnight(2026, 5, 10),
    })
  })
})

describe('auditDiff', () => {
  it('marks the fields an update changed and keeps the others as the same', () => {
    const diff = auditDiff({ hallID: 'h1', name: '一号厅', numberOfSeats: 12 }, { hallID: 'h1', name: 'IMAX 厅', numberOfSeats: 12 })
    expect(diff).toEqual([
      { field: 'hallID', before: 'h1', after: 'h1', kind: 'same' },
      { field: 'name', before: '一号厅', after: 'IMAX 厅', kind: 'changed' },
      { field: 'numberOfSeats', before: 12, after: 12, kind: 'same' },
    ])
  })

  it('shows every field of a create as added and of a delete as removed', () => {
    expect(auditDiff(null, { a: 1, b: 'x' }).map((c) => c.kind)).toEqual(['added', 'added'])
    expect(auditDiff({ a: 1 }, null)).toEqual([{ field: 'a', before: 1, after: undefined, kind: 'removed' }])
  })

  it('compares lists and nested records by value, whatever the key order', () => {
    const diff = auditDiff(
      { ids: ['c1', 'c2'], scope: { all: false, regions: ['BJ'] } },
      { ids: ['c1', 'c2', 'c3'], scope: { regions: ['BJ'], all: false } },
    )
    expect(diff.map((c) => [c.field, c.kind])).toEqual([
      ['ids', 'changed'],
      ['scope', 'same'],
    ])
  })

  it('lists fields only the old record had after those of the new one', () => {
    expect(changedFields({ a: 1, gone: true }, { a: 2, added: 'x' })).toEqual(['a', 'added', 'gone'])
  })

  it('is empty when there is no record on either side (a login)', () => {
    expect(auditDiff(null, null)).toEqual([])
  })
})

describe('auditValue', () => {
  it('shows strings as they are, nothing as a dash and the rest as JSON', () => {
    expect(auditValue('一号厅')).toBe('一号厅')
    expect(auditValue(null)).toBe('—')
    expect(auditValue(undefined)).toBe('—')
    expect(auditValue('')).toBe('""')
    expect(auditValue(12)).toBe('12')
    expect(auditValue(['c1'])).toBe('["c1"]')
  })
})
