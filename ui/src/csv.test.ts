import { describe, expect, it } from 'vitest'
import { csvToSeats, parseCsv, seatsToCsv, toCsv } from './csv'
import type { VrClient } from './backend/types'

describe('parseCsv', () => {
  it('reads quoted fields with commas, doubled quotes and line breaks', () => {
    expect(parseCsv('a,"b,c","say ""hi""","two\nlines"\n')).toEqual([['a', 'b,c', 'say "hi"', 'two\nlines']])
  })
  it('takes CRLF and LF, drops blank lines and a BOM', () => {
    expect(parseCsv('\ufeffx,y\r\n\r\n1,2\n3,4')).toEqual([
      ['x', 'y'],
      ['1', '2'],
      ['3', '4'],
    ])
  })
  it('keeps empty fields', () => {
    expect(parseCsv('a,,c\n,,\n')).toEqual([
      ['a', '', 'c'],
      ['', '', ''],
    ])
  })
})

describe('toCsv', () => {
  it('quotes only what needs it, and neutralises spreadsheet formulas', () => {
    const text = toCsv([['plain', 'a,b', 'q"q', '=SUM(A1)', '-1']])
    expect(text).toBe('\ufeffplain,"a,b","q""q","=SUM(A1)","-1"\r\n')
  })
  it('reads back what it wrote', () => {
    const rows = [['座位', 'x,y'], ['A01', 'line\nbreak']]
    expect(parseCsv(toCsv(rows))).toEqual(rows)
  })
})

const seat = (n: string, extra: Partial<VrClient> = {}): VrClient => ({
  clientID: `id-${n}`,
  cinemaID: 'c',
  hallID: 'h',
  sceneNumber: '10001',
  status: 'IDLE',
  seatNumber: n,
  hostModel: null,
  seatModel: 'S1',
  HMDModel: null,
  MACAddr: null,
  IPAddr: '10.0.0.1',
  description: null,
  qrToken: `token-of-seat-${n}`,
  online: false,
  ...extra,
})

describe('seat CSV', () => {
  it('exports a header and one row per seat, empty for missing values', () => {
    const lines = seatsToCsv([seat('A01', { description: '靠窗, 左' })]).replace('\ufeff', '').trim().split('\r\n')
    expect(lines[0]).toBe('seatNumber,IPAddr,MACAddr,hostModel,seatModel,HMDModel,status,sceneNumber,description')
    expect(lines[1]).toBe('A01,10.0.0.1,,,S1,,IDLE,10001,"靠窗, 左"')
  })

  it('imports what it exported into another hall, with fresh scene numbers', () => {
    const out = csvToSeats(seatsToCsv([seat('A01'), seat('A02', { MACAddr: 'aa:bb:cc:dd:ee:ff' })]), 'h2')
    expect(out).toEqual({
      ok: true,
      rows: [
        { line: 2, input: { hallID: 'h2', seatNumber: 'A01', IPAddr: '10.0.0.1', seatModel: 'S1', status: 'IDLE' } },
        {
          line: 3,
          input: { hallID: 'h2', seatNumber: 'A02', IPAddr: '10.0.0.1', MACAddr: 'aa:bb:cc:dd:ee:ff', seatModel: 'S1', status: 'IDLE' },
        },
      ],
    })
  })

  it('reads headers in any case and order, ignoring unknown columns', () => {
    const out = csvToSeats('ipaddr,Note,SEATNUMBER\n10.0.0.9,x,B07\n', 'h')
    expect(out).toEqual({ ok: true, rows: [{ line: 2, input: { hallID: 'h', IPAddr: '10.0.0.9', seatNumber: 'B07' } }] })
  })

  it('leaves an unknown status out rather than sending it', () => {
    const out = csvToSeats('seatNumber,IPAddr,status\nA1,10.0.0.1,BROKEN\n', 'h')
    expect(out.ok && out.rows[0].input.status).toBeUndefined()
  })

  it('says what is wrong with the file', () => {
    expect(csvToSeats('', 'h')).toEqual({ ok: false, error: { key: 'noHeader' } })
    expect(csvToSeats('seatNumber\nA1\n', 'h')).toEqual({ ok: false, error: { key: 'missingColumn', column: 'IPAddr' } })
    expect(csvToSeats('seatNumber,IPAddr\n', 'h')).toEqual({ ok: false, error: { key: 'noRows' } })
  })
})
