// @vitest-environment jsdom
import { defineComponent, h } from 'vue'
import { afterEach, describe, expect, it } from 'vitest'
import type { Delivery, DeliveryState } from '@/backend'
import { cleanUp, fakeServer, mountView, queriesTo, until, type Asked } from '@/testing/views'
import DeliveryBoard from './DeliveryBoard.vue'

const delivery = (cinemaID: string, state: DeliveryState, extra: Partial<Delivery> = {}): Delivery => ({
  movieID: 'm1',
  movieName: 'Film 1',
  cinemaID,
  cinemaName: `Cinema ${cinemaID}`,
  cinemaCode: cinemaID,
  state,
  bytes: 0,
  totalBytes: 0,
  servedBytes: 0,
  error: null,
  updatedAt: 0,
  ...extra,
})
const counts = { QUEUED: 1, SENT: 0, DOWNLOADING: 1, READY: 5, FAILED: 1, WITHDRAWN: 0 }
const rows = [
  delivery('c1', 'DOWNLOADING', { bytes: 30, totalBytes: 120, servedBytes: 60 }),
  delivery('c2', 'FAILED', { error: 'disk full' }),
  delivery('c3', 'QUEUED'),
]

/** The film's board, open, over a fake server answering `serve` for its deliveries. */
function mountBoard(serve: (a: Asked) => unknown = () => ({ totalCount: rows.length, itemList: rows, stateCounts: counts })) {
  const server = fakeServer((a) => (a.path === '/cms/movies/m1/deliveries' ? { body: serve(a) } : { body: { totalCount: 0, itemList: [] } }))
  const host = defineComponent({ render: () => h(DeliveryBoard, { movie: { movieID: 'm1', name: 'Film 1' }, active: true }) })
  return { server, w: mountView(host) }
}
const count = (w: ReturnType<typeof mountView>, s: DeliveryState) => w.find(`[data-test="delivery-count-${s}"]`).attributes('data-count')

afterEach(cleanUp)

describe('DeliveryBoard', () => {
  it('draws the whole board\'s counts as a bar whose parts are the states that have cinemas', async () => {
    const { w } = mountBoard()
    await until(() => count(w, 'READY') === '5', 'the counts shown')
    const parts = w.findAll('[data-test="delivery-bar"] .bar-part').map((p) => [p.attributes('data-state'), p.attributes('style')])
    expect(parts).toEqual([
      ['QUEUED', 'width: 12.5%; background: rgb(168, 171, 178);'],
      ['DOWNLOADING', 'width: 12.5%; background: rgb(22, 119, 255);'],
      ['READY', 'width: 62.5%; background: rgb(82, 196, 26);'],
      ['FAILED', 'width: 12.5%; background: rgb(245, 34, 45);'],
    ])
  })

  it('shows a download\'s progress and a failed site\'s own words', async () => {
    const { w } = mountBoard()
    await until(() => w.find('[data-test="delivery-error"]').exists(), 'the rows shown')
    expect(w.find('[data-test="delivery-progress"] .el-progress__text').text()).toBe('25%')
    expect(w.find('[data-test="delivery-error"]').text()).toBe('disk full')
  })

  it('shows what the server sent a site beside what the site says it has, only where it sent something', async () => {
    const { w } = mountBoard()
    await until(() => w.find('[data-test="delivery-error"]').exists(), 'the rows shown')
    const served = w.findAll('[data-test="delivery-served"]')
    expect(served.length).toBe(1)
    expect(served[0].text()).toContain('60')
  })

  it('asks the server for the state a count is clicked for, from the first page, keeping the counts of all', async () => {
    const { server, w } = mountBoard((a) => ({
      totalCount: 1,
      itemList: rows.filter((d) => !a.query.state || d.state === a.query.state),
      stateCounts: counts,
    }))
    await until(() => count(w, 'FAILED') === '1', 'the counts shown')
    await w.find('[data-test="delivery-count-FAILED"]').trigger('click')
    await until(() => w.findAll('[data-test="delivery-table"] .el-table__body tr').length === 1, 'the failed cinemas shown')
    expect(queriesTo(server.asked, '/cms/movies/m1/deliveries')).toEqual([
      { start: '0', limit: '20' },
      { start: '0', limit: '20', state: 'FAILED' },
    ])
    expect(count(w, 'READY')).toBe('5')
  })

  it('re-sends a cinema\'s film with the film\'s retry route, then looks again', async () => {
    const { server, w } = mountBoard()
    await until(() => w.findAll('[data-test="delivery-retry"]').length === 3, 'the rows shown')
    await w.findAll('[data-test="delivery-retry"]')[1].trigger('click')
    const retried = () => server.asked.findIndex((a) => a.method === 'POST')
    await until(() => retried() >= 0 && server.asked.slice(retried()).some((a) => a.path === '/cms/movies/m1/deliveries'), 'the board asked again after')
    expect(server.asked.filter((a) => a.method === 'POST').map((a) => a.path)).toEqual(['/cms/movies/m1/deliveries/_retry'])
  })
})
