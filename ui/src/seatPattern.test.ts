import { describe, expect, it } from 'vitest'
import { compareSeatNumbers, consecutiveIPs, expandSeatPattern, MAX_GENERATED, seatRow } from './seatPattern'

const seats = (p: string) => {
  const r = expandSeatPattern(p)
  if (!r.ok) throw new Error(`expected ${p} to expand, got ${JSON.stringify(r.error)}`)
  return r.seats
}
const error = (p: string) => {
  const r = expandSeatPattern(p)
  if (r.ok) throw new Error(`expected ${p} to be refused`)
  return r.error
}

describe('expandSeatPattern', () => {
  it('expands A01-A30 into thirty zero-padded seats in order', () => {
    const s = seats('A01-A30')
    expect(s).toHaveLength(30)
    expect(s[0]).toBe('A01')
    expect(s[9]).toBe('A10')
    expect(s[29]).toBe('A30')
  })

  it.each([
    ['A01–A03', 'en dash'],
    ['A01—A03', 'em dash'],
    ['A01~A03', 'tilde'],
    ['A01～A03', 'full-width tilde'],
    ['A01..A03', 'two dots'],
    ['A01 - A03', 'spaces around the dash'],
    ['A01-03', 'prefix given once'],
    ['a01-A03', 'prefix in another case'],
  ])('reads %s (%s)', (p) => {
    expect(seats(p).map((x) => x.toUpperCase())).toEqual(['A01', 'A02', 'A03'])
  })

  it('keeps the padding of the first number, and none when it has none', () => {
    expect(seats('A1-A3')).toEqual(['A1', 'A2', 'A3'])
    expect(seats('A8-A11')).toEqual(['A8', 'A9', 'A10', 'A11'])
    expect(seats('A008-A010')).toEqual(['A008', 'A009', 'A010'])
  })

  it('joins several parts, separated by commas (also Chinese ones), semicolons or spaces', () => {
    expect(seats('A01-A02, B01-B02')).toEqual(['A01', 'A02', 'B01', 'B02'])
    expect(seats('A01-A02，B01；VIP1 VIP2')).toEqual(['A01', 'A02', 'B01', 'VIP1', 'VIP2'])
  })

  it('takes plain numbers and single seats', () => {
    expect(seats('1-12')).toHaveLength(12)
    expect(seats('VIP')).toEqual(['VIP'])
    expect(seats('7')).toEqual(['7'])
  })

  it('takes a range of one seat', () => {
    expect(seats('C05-C05')).toEqual(['C05'])
  })

  it('refuses an empty pattern', () => {
    expect(error('')).toEqual({ key: 'empty' })
    expect(error(' , ,')).toEqual({ key: 'empty' })
  })

  it('refuses a range whose end is before its start', () => {
    expect(error('A30-A01')).toEqual({ key: 'reversed', part: 'A30-A01' })
  })

  it('refuses a range across two rows', () => {
    expect(error('A01-B05')).toEqual({ key: 'prefixMismatch', part: 'A01-B05' })
  })

  it('refuses duplicates, also across parts and cases', () => {
    expect(error('A01-A05, A03')).toEqual({ key: 'duplicate', seat: 'A03' })
    expect(error('a1, A1')).toEqual({ key: 'duplicate', seat: 'A1' })
  })

  it(`refuses more than ${MAX_GENERATED} seats, in one range or several`, () => {
    expect(seats(`1-${MAX_GENERATED}`)).toHaveLength(MAX_GENERATED)
    expect(error(`1-${MAX_GENERATED + 1}`)).toEqual({ key: 'tooMany', max: MAX_GENERATED })
    expect(error(`A1-A600, B1-B600`)).toEqual({ key: 'tooMany', max: MAX_GENERATED })
  })

  it('refuses characters a seat number cannot have, and numbers over 32 characters', () => {
    expect(error('A/1')).toEqual({ key: 'syntax', part: 'A/1' })
    expect(error('X'.repeat(33))).toEqual({ key: 'tooLong', seat: 'X'.repeat(33) })
  })
})

describe('consecutiveIPs', () => {
  it('counts up from the first address', () => {
    expect(consecutiveIPs('192.168.8.101', 3)).toEqual(['192.168.8.101', '192.168.8.102', '192.168.8.103'])
  })
  it('stays inside the /24 and off its broadcast address', () => {
    expect(consecutiveIPs('10.0.0.250', 5)).toEqual(['10.0.0.250', '10.0.0.251', '10.0.0.252', '10.0.0.253', '10.0.0.254'])
    expect(consecutiveIPs('10.0.0.250', 6)).toBeNull()
  })
  it('handles high first octets without sign trouble', () => {
    expect(consecutiveIPs('223.255.1.1', 2)).toEqual(['223.255.1.1', '223.255.1.2'])
  })
  it('refuses what is not an IPv4 address', () => {
    expect(consecutiveIPs('192.168.8', 1)).toBeNull()
    expect(consecutiveIPs('192.168.08.1', 1)).toBeNull()
  })
  it('gives nothing for no seats', () => {
    expect(consecutiveIPs('10.0.0.1', 0)).toEqual([])
  })
})

describe('seat rows and order', () => {
  it('puts a seat in the row of its letters', () => {
    expect(seatRow('A12')).toBe('A')
    expect(seatRow('vip3')).toBe('VIP')
    expect(seatRow('12')).toBe('')
  })
  it('orders seats as people read them', () => {
    expect(['A10', 'B1', 'A2', 'A1'].sort(compareSeatNumbers)).toEqual(['A1', 'A2', 'A10', 'B1'])
  })
})
