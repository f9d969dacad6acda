/**
 * Reading a whole list that the server pages (`start`/`limit`, at most {@link PAGE_MAX} a call),
 * for the pickers and maps that need every row (a cinema's halls, a hall's seats, the chain's
 * cinemas). Lists shown as tables page with `usePagedList` instead.
 */

/** Most items one list call answers (the server's limit). */
export const PAGE_MAX = 1000

/** One page as every list route answers it. */
interface ListPage<T> {
  totalCount: number
  itemList: T[]
}

/**
 * Every item of a list, `PAGE_MAX` at a time. It asks from the number of items received so far
 * and stops once the total is reached or a page comes back empty: a server with a lower limit
 * answers short pages and is still read to the end, and rows deleted meanwhile cannot make it
 * ask forever.
 */
export async function listAll<T>(fetchPage: (start: number, limit: number) => Promise<ListPage<T>>): Promise<T[]> {
  const out: T[] = []
  for (;;) {
    const page = await fetchPage(out.length, PAGE_MAX)
    out.push(...page.itemList)
    if (page.itemList.length === 0 || out.length >= page.totalCount) return out
  }
}
