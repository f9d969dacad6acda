// @vitest-environment jsdom
import { flushPromises } from '@vue/test-utils'
import { afterEach, describe, expect, it } from 'vitest'
import type { VodStatus, VodTask } from '@/backend'
import { cleanUp, fakeServer, mountView, queriesTo, pageOf, until, type Answer, type Asked } from '@/testing/views'
import VodTasksView from './VodTasksView.vue'

const task = (i: number, status: VodStatus = 'PENDING'): VodTask => ({
  taskID: `task-${String(i).padStart(6, '0')}`,
  clientID: 'c1',
  cinemaID: 'cin1',
  hallID: 'h1',
  seatNumber: `A${i}`,
  openID: null,
  status,
  movieList: [],
  createTime: 0,
  updateTime: 0,
  statusHistory: [],
})
const cinemas = { totalCount: 1, itemList: [{ cinemaID: 'cin1', name: 'Cinema 1' }] }
const tasks = (asked: Asked[]) => queriesTo(asked, '/cms/vod_tasks')
/** The state filter's button for `status`. */
const radio = (status: string) => document.querySelector<HTMLInputElement>(`input[type="radio"][value="${status}"]`)!
const seats = (w: ReturnType<typeof mountView>) => w.findAll('[data-test="vod-table"] .el-table__body tr b').map((b) => b.text())

afterEach(cleanUp)

describe('VodTasksView', () => {
  it('asks for a chosen state from the first page, and keeps it while paging', async () => {
    const all = Array.from({ length: 90 }, (_, i) => task(i, i % 2 ? 'PLAYING' : 'PENDING'))
    const { asked } = fakeServer((a) => {
      if (a.path !== '/cms/vod_tasks') return { body: cinemas }
      return { body: pageOf(all.filter((t) => !a.query.status || t.status === a.query.status), a.query) }
    })
    const w = mountView(VodTasksView)
    await until(() => seats(w).length === 20, 'the first page shown')
    radio('PLAYING').click()
    await until(() => seats(w)[0] === 'A1', 'the playing tasks shown')
    await w.find('.el-pager li:nth-child(2)').trigger('click')
    await until(() => seats(w)[0] === 'A41', 'page 2 of the playing tasks shown')
    expect(tasks(asked)).toEqual([
      { start: '0', limit: '20' },
      { status: 'PLAYING', start: '0', limit: '20' },
      { status: 'PLAYING', start: '20', limit: '20' },
    ])
  })

  it('does not show an answer overtaken by a newer choice', async () => {
    let releaseSlow: (a: Answer) => void = () => undefined
    const server = fakeServer((a) => {
      if (a.path !== '/cms/vod_tasks') return { body: cinemas }
      if (a.query.status === 'PENDING') return new Promise<Answer>((r) => (releaseSlow = r))
      return { body: { totalCount: 1, itemList: [task(a.query.status ? 2 : 1, 'FAILED')] } }
    })
    const w = mountView(VodTasksView)
    await until(() => seats(w).join() === 'A1', 'every task shown')
    radio('PENDING').click()
    await until(() => tasks(server.asked).length === 2, 'the pending tasks asked for')
    radio('FAILED').click()
    await until(() => seats(w).join() === 'A2', 'the failed tasks shown')
    const read = server.answersRead
    releaseSlow({ body: { totalCount: 1, itemList: [task(3)] } })
    await until(() => server.answersRead === read + 1, 'the pending answer read')
    await flushPromises()
    expect(seats(w), 'the pending answer, arriving last, is dropped').toEqual(['A2'])
  })
})
