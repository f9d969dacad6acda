import { computed, ref } from 'vue'
import { defineStore } from 'pinia'
import { useBackend, type Cinema } from '@/backend'

/** Most items one list call answers; lists that need everything page through with it. */
export const PAGE_MAX = 1000

/** Every page of a list, fetched `PAGE_MAX` at a time. */
export async function fetchAll<T>(
  fetchPage: (start: number, limit: number) => Promise<{ totalCount: number; itemList: T[] }>,
): Promise<T[]> {
  const out: T[] = []
  for (;;) {
    const page = await fetchPage(out.length, PAGE_MAX)
    out.push(...page.itemList)
    if (page.itemList.length === 0 || out.length >= page.totalCount) return out
  }
}

/**
 * All cinemas of the chain, for pickers (halls, seats, distribution, VOD filters) and names in
 * other tables. Loaded once and again after a change.
 */
export const useCinemasStore = defineStore('cinemas', () => {
  const all = ref<Cinema[]>([])
  const loaded = ref(false)
  let pending: Promise<Cinema[]> | null = null

  function load(force = false): Promise<Cinema[]> {
    if (loaded.value && !force) return Promise.resolve(all.value)
    if (!pending) {
      pending = fetchAll((start, limit) => useBackend().listCinemas({ start, limit }))
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
