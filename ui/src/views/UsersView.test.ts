// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest'
import type { User } from '@/backend'
import { cleanUp, fakeServer, mountView, queriesTo, pageOf, until, type Asked, type FakeServer } from '@/testing/views'
import en from '@/i18n/en'
import UsersView from './UsersView.vue'

const user = (i: number): User => ({
  userID: `u${i}`,
  name: `User ${i}`,
  alias: `user${i}`,
  iconID: null,
  iconURL: '',
  role: 'MANAGER',
  createTime: 0,
  allCinemas: false,
  cinemaIDList: [],
  regionIDList: [],
})
const enums = { movieCountryList: [], movieCategoryList: [], cinemaRegionList: [], movieTypeList: [], userRoleList: [{ id: 'MANAGER', name: 'Manager' }] }

/** A server with `users`, answering the list by its `start`/`limit`. */
function serverOf(users: User[]): FakeServer {
  return fakeServer((asked) => (asked.path === '/cms/users' ? { body: pageOf(users, asked.query) } : { body: enums }))
}
const lists = (asked: Asked[]) => queriesTo(asked, '/cms/users')
const shown = (w: ReturnType<typeof mountView>) => w.findAll('[data-test="user-table"] .el-table__body tr').map((r) => r.text())

afterEach(cleanUp)

describe('UsersView', () => {
  it('pages on the server: the page and page size chosen in the pager are the ones asked for', async () => {
    const { asked } = serverOf(Array.from({ length: 120 }, (_, i) => user(i)))
    const w = mountView(UsersView)
    await until(() => shown(w).length === 20, 'the first page shown')
    await w.find('[data-test="user-pager"] .el-pager li:nth-child(3)').trigger('click')
    await until(() => shown(w)[0]?.includes('User 40'), 'page 3 shown')
    w.findComponent({ name: 'ElPagination' }).vm.$emit('update:page-size', 50)
    await until(() => shown(w).length === 50, 'a page of 50 shown')
    expect(lists(asked)).toEqual([
      { start: '0', limit: '20' },
      { start: '40', limit: '20' },
      { start: '0', limit: '50' },
    ])
  })

  it('applies what is typed in the filters only on search, from the first page', async () => {
    const { asked } = serverOf(Array.from({ length: 60 }, (_, i) => user(i)))
    const w = mountView(UsersView)
    await until(() => shown(w).length === 20, 'the first page shown')
    await w.find(`input[placeholder="${en.users.alias}"]`).setValue('user1')
    await w.find('[data-test="user-pager"] .el-pager li:nth-child(2)').trigger('click')
    await until(() => lists(asked).length === 2, 'page 2 asked for')
    expect(lists(asked)[1], 'paging keeps the filters last searched with').toEqual({ start: '20', limit: '20' })
    await w.find('form').trigger('submit')
    await until(() => lists(asked).length === 3, 'the search asked for')
    expect(lists(asked)[2]).toEqual({ alias: 'user1', start: '0', limit: '20' })
  })

  it('shows the last page when the page shown no longer exists on refresh', async () => {
    const users = Array.from({ length: 45 }, (_, i) => user(i))
    const { asked } = serverOf(users)
    const w = mountView(UsersView)
    await until(() => shown(w).length === 20, 'the first page shown')
    await w.find('[data-test="user-pager"] .el-pager li:nth-child(3)').trigger('click')
    await until(() => shown(w).length === 5, 'page 3 shown, with 5 users')
    users.splice(20) // another administrator deleted 25 users meanwhile
    await w.find(`button[aria-label="${en.common.refresh}"]`).trigger('click')
    await until(() => shown(w).length === 20 && shown(w)[0].includes('User 0'), 'page 1 shown')
    expect(lists(asked).slice(2), 'page 3 came back empty, so page 1 (the last) was asked for').toEqual([
      { start: '40', limit: '20' },
      { start: '0', limit: '20' },
    ])
  })
})

describe('UsersView: the cinemas a user manages', () => {
  const scoped = (i: number, over: Partial<User>): User => ({ ...user(i), ...over })

  it("shows each user's cinemas: every one, how many with their regions, or none yet", async () => {
    serverOf([
      scoped(1, { allCinemas: true }),
      scoped(2, { cinemaIDList: ['c1', 'c2'], regionIDList: ['BJ'] }),
      scoped(3, {}),
      scoped(4, { role: 'SYS_ADMIN' }),
    ])
    const w = mountView(UsersView)
    await until(() => shown(w).length === 4, 'the users shown')
    const scopes = w.findAll('[data-test="user-scope"]').map((s) => s.text())
    expect(scopes).toEqual([en.users.allCinemas, 'Cinemas: 2Region: BJ', en.users.noCinemas, en.users.allCinemas])
  })

  it('saves an edited MANAGER with the cinemas and regions it had, replacing the lists', async () => {
    const server = fakeServer((asked) =>
      asked.path === '/cms/users'
        ? { body: pageOf([scoped(7, { cinemaIDList: ['c1'], regionIDList: ['SH'] })], asked.query) }
        : asked.path === '/cms/cinemas'
          ? { body: { totalCount: 0, itemList: [] } }
          : asked.method === 'PUT'
            ? { body: { done: true } }
            : { body: enums },
    )
    const w = mountView(UsersView)
    await until(() => shown(w).length === 1, 'the user shown')
    await w.find('[data-test="user-table"] .el-table__body button').trigger('click')
    await until(() => document.querySelector('[data-test="u-cinemas"]') !== null, 'the scope fields shown for a MANAGER')
    ;(document.querySelector('[data-test="user-submit"]') as HTMLButtonElement).click()
    await until(() => server.asked.some((a) => a.method === 'PUT'), 'the user saved')
    expect(server.asked.find((a) => a.method === 'PUT')).toMatchObject({
      path: '/cms/users/u7',
      body: { name: 'User 7', alias: 'user7', role: 'MANAGER', allCinemas: false, cinemaIDList: ['c1'], regionIDList: ['SH'] },
    })
  })
})
