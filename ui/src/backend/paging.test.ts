import { describe, expect, it } from 'vitest'
import { listAll, PAGE_MAX } from './paging'

/** A list route over `items` answering at most `max` a call, recording the starts asked for. */
function route(items: number[], max = PAGE_MAX) {
  const starts: number[] = []
  const fetchPage = async (start: number, limit: number) => {
    starts.push(start)
    return { totalCount: items.length, itemList: items.slice(start, start + Math.min(limit, max)) }
  }
  return { starts, fetchPage }
}

describe('listAll', () => {
  it('reads a list longer than a page to the end, asking from what it has', async () => {
    const items = Array.from({ length: 2500 }, (_, i) => i)
    const { starts, fetchPage } = route(items)
    expect(await listAll(fetchPage)).toEqual(items)
    expect(starts).toEqual([0, 1000, 2000])
  })

  it('reads to the end a server that answers shorter pages than asked for', async () => {
    const items = Array.from({ length: 250 }, (_, i) => i)
    const { starts, fetchPage } = route(items, 100)
    expect(await listAll(fetchPage)).toEqual(items)
    expect(starts).toEqual([0, 100, 200])
  })

  it('stops at an empty page even when the total says there is more', async () => {
    const items = Array.from({ length: 1500 }, (_, i) => i)
    let calls = 0
    const shrinking = async (start: number, limit: number) => {
      if (++calls === 2) items.splice(900) // deleted between the two calls
      return { totalCount: 1500, itemList: items.slice(start, start + limit) }
    }
    expect(await listAll(shrinking)).toHaveLength(1000)
    expect(calls).toBe(2)
  })
})
