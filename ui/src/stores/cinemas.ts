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

  function reset(): void {
    all.value = []
    loaded.value = false
  }

  const byId = computed(() => new Map(all.value.map((c) => [c.cinemaID, c])))
  const nameOf = (id: string) => byId.value.get(id)?.name ?? id

  return { all, loaded, load, reset, byId, nameOf }
})
