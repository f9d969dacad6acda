import { computed, ref } from 'vue'
import { defineStore } from 'pinia'
import { useBackend, type EnumItem, type SysEnums } from '@/backend'
import { useSessionStore } from './session'

/** System enumerations, loaded once per session. */
export const useEnumsStore = defineStore('enums', () => {
  const enums = ref<SysEnums | null>(null)
  let pending: Promise<SysEnums> | null = null

  async function load(force = false): Promise<SysEnums> {
    if (enums.value && !force) return enums.value
    if (!pending) {
      const session = useSessionStore()
      pending = useBackend()
        .sysEnums(session.token)
        .then((e) => (enums.value = e))
        .finally(() => (pending = null))
    }
    return pending
  }

  function reset(): void {
    enums.value = null
  }

  const regions = computed<EnumItem[]>(() => enums.value?.cinemaRegionList ?? [])
  const regionNames = computed(() => new Map(regions.value.map((r) => [r.id, r.name])))
  const roleNames = computed(() => new Map((enums.value?.userRoleList ?? []).map((r) => [r.id, r.name])))

  /** The region's name, or its id when the enumeration does not know it. */
  function regionName(id: string): string {
    return regionNames.value.get(id) ?? id
  }

  function roleName(id: string): string {
    return roleNames.value.get(id) ?? id
  }

  return { enums, regions, load, reset, regionName, roleName }
})
