// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest'
import type { AuditEntry } from '@/backend'
import { cleanUp, fakeServer, mountView, pageOf, queriesTo, until } from '@/testing/views'
import AuditView from './AuditView.vue'

const renamed: AuditEntry = {
  auditID: 2,
  at: Date.UTC(2026, 0, 2, 3, 4, 5),
  userID: 'u1',
  address: '10.0.0.7',
  via: 'WEB',
  action: 'update',
  entity: 'hall',
  entityID: 'h1',
  cinemaID: 'c1',
  before: { hallID: 'h1', name: 'Hall 1', numberOfSeats: 12 },
  after: { hallID: 'h1', name: 'IMAX', numberOfSeats: 12 },
}
const signed: AuditEntry = { ...renamed, auditID: 1, userID: null, apikey: 'abcdef0123456789', action: 'create', before: null, after: { x: 1 } }

function serve(entries: AuditEntry[]) {
  return fakeServer((asked) => {
    if (asked.path === '/cms/audit') return { body: pageOf(entries, asked.query) }
    if (asked.path === '/cms/cinemas') return { body: pageOf([{ cinemaID: 'c1', name: 'Cinema One' }], asked.query) }
    return { status: 404, body: { info: 'no', code: 'not_found' } }
  })
}
const rows = () => [...document.querySelectorAll('[data-test="audit-table"] .el-table__body > tbody > tr')].map((r) => r.textContent ?? '')

afterEach(cleanUp)

describe('AuditView', () => {
  it('shows who, from where, what and which cinema, and the fields an update changed', async () => {
    const server = serve([renamed, signed])
    mountView(AuditView)
    await until(() => rows().length === 2 && rows()[0].includes('Cinema One'), 'the entries shown with the cinema named')
    expect(queriesTo(server.asked, '/cms/audit')).toEqual([{ start: '0', limit: '20' }])
    expect(rows()[0]).toContain('10.0.0.7')
    expect(rows()[0]).toContain('Web')
    expect(rows()[0]).toContain('Hall')
    expect(rows()[0]).toContain('Changed: name')
    expect(rows()[1], 'a change signed by an API key names the key').toContain('API key abcdef01…')
  })

  it('opens a row to its before and after, the changed field marked', async () => {
    serve([renamed])
    mountView(AuditView)
    await until(() => rows().length === 1, 'the entry shown')
    ;(document.querySelector('[data-test="audit-table"] .el-table__expand-icon') as HTMLElement).click()
    await until(() => document.querySelector('[data-test="diff-name"]') !== null, 'the diff shown')
    expect(document.querySelector('[data-test="diff-name"]')?.getAttribute('data-kind')).toBe('changed')
    expect(document.querySelector('[data-test="diff-name"]')?.textContent).toContain('IMAX')
    expect(document.querySelector('[data-test="diff-numberOfSeats"]'), 'unchanged fields are folded away').toBeNull()
  })
})
