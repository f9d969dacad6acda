// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest'
import type { SessionInfo } from '@/backend'
import { cleanUp, fakeServer, mountView, until } from '@/testing/views'
import SessionsList from './SessionsList.vue'

const session = (id: string, current: boolean): SessionInfo => ({
  sessionID: id,
  userID: 'u1',
  address: current ? '10.0.0.2' : '10.0.0.9',
  userAgent: current ? 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0' : '',
  createTime: 0,
  lastUsedTime: 0,
  expireTime: 0,
  current,
})
const rows = () => [...document.querySelectorAll('[data-test="sessions-table"] .el-table__body tr')].map((r) => r.textContent ?? '')

afterEach(cleanUp)

describe('SessionsList', () => {
  it('ends another session after asking, then shows the sessions left', async () => {
    let live = [session('s1', true), session('s2', false)]
    const server = fakeServer((asked) => {
      if (asked.method === 'DELETE') {
        live = live.filter((s) => `/cms/sessions/${s.sessionID}` !== asked.path)
        return { body: { done: true } }
      }
      return { body: live }
    })
    mountView(SessionsList)
    await until(() => rows().length === 2, 'both sessions shown')
    expect(rows()[0]).toContain('Firefox · Linux')
    expect(rows()[1], 'a session without an agent is the desktop or the command line').toContain('Desktop app or command line')
    expect(document.querySelectorAll('[data-test="session-end"]'), "this window's own session cannot be ended here").toHaveLength(1)
    ;(document.querySelector('[data-test="session-end"]') as HTMLElement).click()
    await until(() => document.querySelector('.el-message-box .el-button--danger') !== null, 'the question asked')
    ;(document.querySelector('.el-message-box .el-button--danger') as HTMLElement).click()
    await until(() => rows().length === 1, 'one session left')
    expect(server.asked.filter((a) => a.method === 'DELETE').map((a) => a.path)).toEqual(['/cms/sessions/s2'])
  })
})
