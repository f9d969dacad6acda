// @vitest-environment jsdom
import { describe, expect, it } from 'vitest'
import { usePagedList } from './pagedList'

/** A fetch the test answers by hand, to order answers as a slow network would. */
function deferred<T>() {
  let resolve!: (v: T) => void
  const promise = new Promise<T>((r) => (resolve = r))
  return { promise, resolve }
}

describe('usePagedList', () => {
  it('shows the page and the total, and says when it is loading', async () => {
    const list = usePagedList(async () => ({ rows: ['a', 'b'], total: 7 }))
    const done = list.load()
    expect(list.loading.value, 'loading while the request is out').toBe(true)
    expect(await done).toEqual(['a', 'b'])
    expect([list.rows.value, list.total.value, list.loading.value]).toEqual([['a', 'b'], 7, false])
  })

  it('drops an answer overtaken by a newer request', async () => {
    const answers = [deferred<{ rows: string[]; total: number }>(), deferred<{ rows: string[]; total: number }>()]
    let n = 0
    const list = usePagedList(() => answers[n++].promise)
    const first = list.load()
    const second = list.load()
    answers[1].resolve({ rows: ['new'], total: 1 })
    await second
    answers[0].resolve({ rows: ['old'], total: 1 })
    await first
    expect(list.rows.value, 'the older answer, arriving last, is not shown').toEqual(['new'])
    expect(list.loading.value).toBe(false)
  })

  it('steps back to the last page when the page asked for is beyond the end', async () => {
    const asked: number[] = []
    const list = usePagedList<string>(async (): Promise<{ rows: string[]; total: number }> => {
      asked.push(list.paging.page)
      return list.paging.page > 3 ? { rows: [], total: 45 } : { rows: ['x'], total: 45 }
    })
    list.paging.page = 9
    expect(await list.load()).toEqual(['x'])
    expect(asked, '45 rows of 20 end on page 3').toEqual([9, 3])
    expect(list.paging.page).toBe(3)
  })
})
