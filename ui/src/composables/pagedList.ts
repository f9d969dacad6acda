/**
 * A list paged on the server (films, cinemas, the resource library): the rows of the current
 * page and the total, loaded so that an answer overtaken by a newer request is dropped and a
 * page beyond the end (after a filter or a delete narrowed the list) steps back to the last one.
 */
import { reactive, ref, type Ref } from 'vue'
import { notifyError } from './forms'

export const PAGE_SIZES = [20, 50, 100]

/** `fetchPage` asks the server for the page `paging` says (read it there); it answers the rows and the total. */
export function usePagedList<T>(fetchPage: () => Promise<{ rows: T[]; total: number }>) {
  const paging = reactive({ page: 1, limit: PAGE_SIZES[0] })
  const rows = ref([]) as Ref<T[]>
  const total = ref(0)
  const loading = ref(false)
  let seq = 0

  /** Loads the current page; answers its rows (those shown so far if it failed or was overtaken). */
  async function load(): Promise<T[]> {
    const mine = ++seq
    loading.value = true
    try {
      const page = await fetchPage()
      if (mine !== seq) return rows.value
      rows.value = page.rows
      total.value = page.total
      if (page.rows.length === 0 && page.total > 0 && paging.page > 1) {
        paging.page = Math.ceil(page.total / paging.limit)
        return load()
      }
    } catch (e) {
      if (mine === seq) notifyError(e)
    } finally {
      if (mine === seq) loading.value = false
    }
    return rows.value
  }

  return { paging, rows, total, loading, load }
}
