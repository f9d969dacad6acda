import { computed, ref } from 'vue'
import { defineStore } from 'pinia'
import { useBackend, type Cinema } from '@/backend'
import { listAll } from '@/backend/paging'

/**
 * All cinemas of the chain, for pickers (halls, seats, distribution, VOD filters) and names in
 * other tables. Loaded once and again after a change.
 *
 * The whole list, not a page: the dashboard counts the cinemas online across the chain, the
 * distribution dialog picks by region across it, and the pickers filter as one types. A chain has
 * hundreds to a few thousand cinemas, one to a few calls of `PAGE_MAX` through `listAll`. The
 * cinemas page itself is a server-paged table (`usePagedList`) like the other long lists.
 */
export const useCinemasStore = defineStore('cinemas', () => {
  const all = ref<Cinema[]>([])
  const loaded = ref(false)
  let pending: Promise<Cinema[]> | null = null

  function load(force = false): Promise<Cinema[]> {
    if (loaded.value && !force) return Promise.resolve(all.value)
    if (!pending) {
      pending = listAll((start, limit) => useBackend().listCinemas({ start, limit }))
        .then((list) => {
          all.value = list
          loaded.value = true
          return list
        })
        .finally(() => (pending = null))
    }
    return pending
  }

  /** Ids already looked for by a reload and still not found (deleted, or outside the caller's scope). */
  const sought = new Set<string>()

  /**
   * The list, loaded again once when it lacks one of `ids`: a cinema another user (or a site's
   * API) added after this window loaded the list, named in a link or a table row. An id a reload
   * did not find is not looked for again.
   */
  async function ensure(ids: string[]): Promise<Cinema[]> {
    await load()
    const unknown = ids.filter((id) => id && !byId.value.has(id) && !sought.has(id))
    if (unknown.length === 0) return all.value
    unknown.forEach((id) => sought.add(id))
    return load(true)
  }

  function reset(): void {
    all.value = []
    loaded.value = false
    sought.clear()
  }

  const byId = computed(() => new Map(all.value.map((c) => [c.cinemaID, c])))
  const nameOf = (id: string) => byId.value.get(id)?.name ?? id

  return { all, loaded, load, ensure, reset, byId, nameOf }
})
